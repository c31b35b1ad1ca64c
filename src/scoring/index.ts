export { CLIP_SCORE_DEFINITION, meanClipScore, pairClipScore } from './clip-score.js';
export { ScoringError, type ScoringErrorCode } from './errors.js';
export {
  loadScorer,
  Scorer,
  type ImageScores,
  type LoadScorerOptions,
  type PairScores,
  type PromptInfo,
  type ScoreOptions,
  type ScoreOutput,
  type ScorerInfo,
  type ScoreTimings,
} from './scorer.js';
export {
  loadPickScorer,
  PICKSCORE_DEFINITION,
  PickScorer,
  softmaxOverImages,
  type LoadPickScorerOptions,
  type PickScoreOutput,
} from './pickscore.js';
