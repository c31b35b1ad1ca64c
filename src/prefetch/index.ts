/** Fetching the models a run needs into the Hugging Face cache (`ppbench prefetch`). */
export { prefetch, type PrefetchOptions, type PrefetchResult } from './prefetch.js';
export { prefetchTargets, type PrefetchTargets } from './prefetch-targets.js';
export { selectClipFiles, selectPipelineFiles, type RepoFile } from './select-files.js';
export { streamProgress, type PrefetchProgress } from './progress.js';
export { PrefetchError, type PrefetchErrorCode } from './errors.js';
