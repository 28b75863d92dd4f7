package store

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	file := func(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }
	tests := []struct {
		name     string
		files    fstest.MapFS
		versions []int64
		wantErr  bool
	}{
		{name: "ordered by number, not by text", files: fstest.MapFS{
			"migrations/sqlite/0010_reports.sql": file("C"),
			"migrations/sqlite/0002_stories.sql": file("B"),
			"migrations/sqlite/0001_init.sql":    file("A"),
			"migrations/sqlite/README.md":        file("not a migration"),
		}, versions: []int64{1, 2, 10}},
		{name: "no number", files: fstest.MapFS{"migrations/sqlite/init.sql": file("A")}, wantErr: true},
		{name: "zero version", files: fstest.MapFS{"migrations/sqlite/0000_x.sql": file("A")}, wantErr: true},
		{name: "duplicate version", files: fstest.MapFS{
			"migrations/sqlite/0001_a.sql": file("A"),
			"migrations/sqlite/1_b.sql":    file("B"),
		}, wantErr: true},
		{name: "missing dialect", files: fstest.MapFS{"migrations/postgres/0001_a.sql": file("A")}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := loadMigrations(tc.files, DialectSQLite)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tc.wantErr)
			}
			var got []int64
			for _, m := range ms {
				got = append(got, m.version)
			}
			if !slices.Equal(got, tc.versions) {
				t.Errorf("versions = %v, want %v", got, tc.versions)
			}
		})
	}
}

// TestEmbeddedMigrationsMatch keeps the dialects in step: every schema
// version exists for both, so a database can move between them.
func TestEmbeddedMigrationsMatch(t *testing.T) {
	names := map[string][]string{}
	for _, d := range []string{DialectSQLite, DialectPostgres} {
		ms, err := loadMigrations(migrationFiles, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Fatalf("no %s migrations embedded", d)
		}
		for _, m := range ms {
			names[d] = append(names[d], m.name)
		}
	}
	if !slices.Equal(names[DialectSQLite], names[DialectPostgres]) {
		t.Errorf("sqlite migrations %v differ from postgres migrations %v", names[DialectSQLite], names[DialectPostgres])
	}
}
