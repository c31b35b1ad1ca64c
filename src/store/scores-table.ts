import type Database from 'better-sqlite3';
import type { ScoreMetric } from './rows.js';

export interface ImageScores {
  imageId: number;
  values: Partial<Record<ScoreMetric, number>>;
}

export class ScoresTable {
  constructor(private readonly db: Database.Database) {}

  /** One transaction per batch: a batch is either fully scored or not at all. */
  insert(batch: ImageScores[]): void {
    const put = this.db.prepare(
      'INSERT INTO scores (image_id, metric, value) VALUES (?, ?, ?) ON CONFLICT (image_id, metric) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const { imageId, values } of batch) {
        for (const [metric, value] of Object.entries(values)) if (value !== undefined) put.run(imageId, metric, value);
      }
    })();
  }
}
