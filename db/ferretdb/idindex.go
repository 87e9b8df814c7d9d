package main

// A work-around for FerretDB v1.24's SQLite backend, our code, not FerretDB's.
//
// FerretDB creates each collection's `_id` index on the expression `_ferretdb_sjson->"_id"`
// but looks documents up by `_id` with `WHERE _ferretdb_sjson->'$._id' = ?`. SQLite matches
// index expressions by their text, so it never uses that index: every lookup by `_id` parses
// every row of the collection (EXPLAIN QUERY PLAN says `SCAN`; docs/DATABASE.md). Adding a
// unique index on the very expression of the lookup makes it a `SEARCH ... USING INDEX`.
//
// idIndexer adds that index to every collection table of every database file in the SQLite
// directory, checking every interval for new ones. A table is found within one interval of its
// creation, while it is still small; until then its lookups scan as before.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB uses
)

const idIndexSuffix = "__id_path"

func idIndexer(ctx context.Context, dir string, interval time.Duration, logger *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			if err := indexFile(ctx, file); err != nil && ctx.Err() == nil {
				logger.Warn("aiki-ferretdb: could not add _id path indexes", slog.String("file", file), slog.String("error", err.Error()))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func indexFile(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err != nil {
		return nil // dropped meanwhile
	}
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	// The collection tables without our index (FerretDB's metadata table lists them all).
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections
		WHERE table_name || ?1 NOT IN (SELECT name FROM sqlite_master WHERE type = 'index')`, idIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database file FerretDB has not initialised yet
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, table := range tables {
		q := fmt.Sprintf(`CREATE UNIQUE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return err
		}
	}
	return nil
}
