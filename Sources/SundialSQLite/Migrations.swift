/// Numbered schema migrations. Each runs once, in order, inside a transaction; the applied
/// number is `PRAGMA user_version`. Never edit a shipped migration: add the next one.
enum Migrations {
    static let all: [String] = [
        // 1: jobs, runs, history, schedule cursors, missed slots.
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            spec TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE runs (
            job_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            completed_at INTEGER,
            schedule_id TEXT,
            scheduled_at INTEGER,
            data TEXT NOT NULL,
            PRIMARY KEY (job_id, run_id)
        );
        -- One run per scheduled slot: the store, not the engine's memory, guarantees it.
        CREATE UNIQUE INDEX runs_slot ON runs (job_id, schedule_id, scheduled_at) WHERE scheduled_at IS NOT NULL;
        CREATE INDEX runs_active ON runs (status) WHERE status NOT IN ('SUCCESS', 'FAILED');
        CREATE INDEX runs_finished ON runs (job_id, status, completed_at);
        CREATE TABLE job_history (
            job_id TEXT PRIMARY KEY,
            success_count INTEGER NOT NULL,
            failure_count INTEGER NOT NULL,
            last_success_at INTEGER,
            last_failure_at INTEGER
        );
        CREATE TABLE schedule_cursors (
            job_id TEXT NOT NULL,
            schedule_id TEXT NOT NULL,
            cursor INTEGER NOT NULL,
            PRIMARY KEY (job_id, schedule_id)
        );
        CREATE TABLE missed_slots (
            job_id TEXT NOT NULL,
            schedule_id TEXT NOT NULL,
            instant INTEGER NOT NULL,
            recorded_at INTEGER NOT NULL,
            PRIMARY KEY (job_id, schedule_id, instant)
        );
        """,
    ]
}
