import type Database from 'better-sqlite3';
import { ImagesTable } from './images-table.js';
import { LeaseEventsTable } from './lease-events-table.js';
import { openDatabase } from './open-database.js';
import type { LeaseEventRecord } from './rows.js';
import { RunsTable } from './runs-table.js';
import { ScoresTable } from './scores-table.js';

/** The results database of LEASE/ARCHITECTURE "Data": runs, images, scores and lease events. */
export class ResultStore {
  readonly runs: RunsTable;
  readonly images: ImagesTable;
  readonly scores: ScoresTable;
  readonly leaseEvents: LeaseEventsTable;

  private constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {
    this.runs = new RunsTable(db);
    this.images = new ImagesTable(db);
    this.scores = new ScoresTable(db);
    this.leaseEvents = new LeaseEventsTable(db);
  }

  /** Creates the file (and its folder) when missing, and migrates it to the current schema. */
  static open(file: string): ResultStore {
    return new ResultStore(file, openDatabase(file));
  }

  /** Lease events (plain objects, as read from the lease's events.jsonl) attributed to a run. */
  importLeaseEvents(runId: string, rows: readonly LeaseEventRecord[]): number {
    return this.leaseEvents.import(runId, rows);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
