import type Database from 'better-sqlite3';
import type { LeaseEventRecord } from './rows.js';

export class LeaseEventsTable {
  constructor(private readonly db: Database.Database) {}

  /**
   * Stores events by their unique id, so importing the same events.jsonl again (each resume
   * does) adds only what is new. Returns how many were new.
   */
  import(runId: string, events: readonly LeaseEventRecord[]): number {
    const put = this.db.prepare(
      `INSERT OR IGNORE INTO lease_events (id, run_id, ts, type, owner, lease_id, pid, host, label, waited_ms, held_ms, detail_json)
       VALUES (@id, @runId, @ts, @type, @owner, @leaseId, @pid, @host, @label, @waitedMs, @heldMs, @detailJson)`,
    );
    return this.db.transaction(() => {
      let added = 0;
      for (const e of events) {
        added += put.run({
          id: e.id,
          runId,
          ts: e.ts,
          type: e.type,
          owner: e.owner,
          leaseId: e.leaseId ?? null,
          pid: e.pid ?? null,
          host: e.host ?? null,
          label: e.label ?? null,
          waitedMs: e.waitedMs ?? null,
          heldMs: e.heldMs ?? null,
          detailJson: e.detail === undefined ? null : JSON.stringify(e.detail),
        }).changes;
      }
      return added;
    })();
  }

  list(runId: string): LeaseEventRecord[] {
    const rows = this.db
      .prepare(
        `SELECT id, ts, type, owner, lease_id, pid, host, label, waited_ms, held_ms, detail_json
         FROM lease_events WHERE run_id = ? ORDER BY ts, id`,
      )
      .all(runId) as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      id: String(r.id),
      ts: String(r.ts),
      type: String(r.type),
      owner: String(r.owner),
      ...(r.lease_id !== null && { leaseId: String(r.lease_id) }),
      ...(r.pid !== null && { pid: Number(r.pid) }),
      ...(r.host !== null && { host: String(r.host) }),
      ...(r.label !== null && { label: String(r.label) }),
      ...(r.waited_ms !== null && { waitedMs: Number(r.waited_ms) }),
      ...(r.held_ms !== null && { heldMs: Number(r.held_ms) }),
      ...(r.detail_json !== null && { detail: JSON.parse(String(r.detail_json)) as Record<string, unknown> }),
    }));
  }
}
