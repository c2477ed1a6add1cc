"""Dagster's SQLite event log, written with fewer disk syncs (issue 10, docs/performance.md).

A month's run stores about a thousand events (the planned events of 29 models and ~300 checks,
then their results). Dagster's `SqliteEventLogStorage` opens a new engine and connection for each
event, commits it with a `fsync` and closes it; closing the last connection of a WAL database
checkpoints it into the main file and deletes the WAL (another `fsync`). Profiled at scale 1 that
was 28 s of a 67 s run. This subclass keeps the same files and tables (Dagster, `dagster dev` and
the daemon read them as before) and changes only how they are written:

* one engine per database file, reused; one idle connection per file kept open ("anchor"), so a
  closing connection is never the last one and SQLite checkpoints by size (every 1,000 pages)
  instead of after every event;
* `PRAGMA synchronous=NORMAL` on these WAL files: a commit is not synced to disk on its own, the
  WAL is at each checkpoint. SQLite documents this as safe from corruption in WAL mode; a power
  cut can lose the last events of a run, never the run history's integrity (`synchronous=OFF`
  could, and is not used);
* a batch of events (Dagster sends the run's planned events as one batch when
  `DAGSTER_EVENT_BATCH_SIZE` is set; `hotline run` sets it) is written in one transaction per file.

Configured in DAGSTER_HOME/dagster.yaml (`event_log_storage`, pipelines/instance.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster import Field, StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

#: Dagster's own busy timeout for its SQLite files (seconds)
BUSY_TIMEOUT_SECONDS = 120
#: events per batch (the run's planned events): `hotline run` exports it as DAGSTER_EVENT_BATCH_SIZE
EVENT_BATCH_SIZE = 1000
#: run files kept anchored at once (the index file always is): the runs being written
MAX_RUN_ANCHORS = 4


def _fewer_syncs(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class HotlineSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` (same files, same schema) with reused engines, an idle anchor
    connection per file, `synchronous=NORMAL` and one transaction per batch of events."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Engine] = {}
        self._anchors: dict[str, sqlite3.Connection] = {}
        #: shard -> open connection inside its transaction, while `store_event_batch` runs
        self._batch: dict[str, Connection] | None = None
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> HotlineSqliteEventLogStorage:
        base_dir = config_value.get("base_dir") or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs")
        return cls(base_dir=base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                create_db_conn_string(self._base_dir, shard),
                poolclass=NullPool,
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
            )
            db.event.listen(engine, "connect", _fewer_syncs)
            self._engines[shard] = engine
        return engine

    def _anchor(self, shard: str) -> None:
        if shard in self._anchors:
            self._anchors[shard] = self._anchors.pop(shard)  # most recently used last
            return
        runs = [name for name in self._anchors if name != INDEX_SHARD_NAME]
        if len(runs) >= MAX_RUN_ANCHORS:  # a long-lived reader (the webserver) opens many runs
            self._anchors.pop(runs[0]).close()
            engine = self._engines.pop(runs[0], None)
            if engine is not None:
                engine.dispose()
        anchor = sqlite3.connect(
            self.path_for_shard(shard), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        # SQLite opens the file and the WAL index at the first read, not at connect
        anchor.execute("select count(*) from sqlite_master").fetchall()
        self._anchors[shard] = anchor

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:  # type: ignore[override]
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._anchor(shard)
            if self._batch is not None:
                conn = self._batch.get(shard)
                if conn is None:
                    conn = self._batch[shard] = engine.connect()
                    conn.begin()
                yield conn
                return
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store the events in one transaction per database file (all or none)."""
        self._batch = {}
        try:
            for event in events:
                self.store_event(event)
            for conn in self._batch.values():
                conn.commit()
        except BaseException:
            for conn in self._batch.values():
                conn.rollback()
            raise
        finally:
            for conn in self._batch.values():
                conn.close()
            self._batch = None

    def dispose(self) -> None:
        super().dispose()
        for anchor in self._anchors.values():
            anchor.close()
        self._anchors.clear()
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
