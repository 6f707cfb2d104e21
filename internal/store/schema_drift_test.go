package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/accounts/sqlstore"
)

// TestAccountsSchemaMatchesMigrations: the app keeps the kit's account
// tables through its own migrations (0006 on), and the kit's store
// (accounts/sqlstore) reads and writes them with its own statements. Every
// column of sqlstore.Schema must therefore exist in the migrated app
// database with the same type, nullability and default; the app may add
// columns of its own (nullable or with a default, or the kit's inserts
// would fail). Both are written by hand, twice, so this is what notices
// when one side gains a column and the other does not. SQLite only: the
// migrations are one file for both databases.
func TestAccountsSchemaMatchesMigrations(t *testing.T) {
	st := open(t, "sqlite")
	kit, err := sql.Open("sqlite", "file:"+t.TempDir()+"/kit.db")
	if err != nil {
		t.Fatal(err)
	}
	defer kit.Close()
	if err := sqlstore.New(kit, sqlstore.Options{}).CreateTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	kitCols := sqliteColumns(t, kit)
	appCols := sqliteColumns(t, st.DB)
	tables := map[string]bool{}
	for key, kc := range kitCols {
		tables[key.table] = true
		ac, ok := appCols[key]
		if !ok {
			t.Errorf("%s.%s is in sqlstore.Schema but no app migration makes it", key.table, key.column)
			continue
		}
		if ac != kc {
			t.Errorf("%s.%s: the app's migrations make %+v, sqlstore.Schema %+v", key.table, key.column, ac, kc)
		}
	}
	if len(tables) < 3 {
		t.Fatalf("sqlstore.Schema has %d tables, want users, sessions, signups at least", len(tables))
	}
	for key, ac := range appCols {
		if _, ok := kitCols[key]; ok || !tables[key.table] {
			continue
		}
		if ac.notNull && ac.dflt == "" {
			t.Errorf("%s.%s: an app-only NOT NULL column without a default in a kit table: the kit's inserts would fail", key.table, key.column)
		}
	}
}

type columnKey struct{ table, column string }

type columnInfo struct {
	typ     string
	notNull bool
	dflt    string
	pk      bool
}

func sqliteColumns(t *testing.T, db *sql.DB) map[columnKey]columnInfo {
	t.Helper()
	rows, err := db.Query(`SELECT m.name, p.name, p.type, p."notnull", COALESCE(p.dflt_value, ''), p.pk
		FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[columnKey]columnInfo{}
	for rows.Next() {
		var table, col, typ, dflt string
		var notNull, pk int
		if err := rows.Scan(&table, &col, &typ, &notNull, &dflt, &pk); err != nil {
			t.Fatal(err)
		}
		out[columnKey{table, col}] = columnInfo{typ: strings.ToUpper(typ), notNull: notNull != 0, dflt: dflt, pk: pk != 0}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
