package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// handle is a pool of connections with the queries' ? placeholders turned
// into PostgreSQL's $1, $2… when it is PostgreSQL.
type handle struct {
	*sql.DB
	pg bool
}

func (h *handle) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return h.DB.ExecContext(ctx, bind(h.pg, query), args...)
}

func (h *handle) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return h.DB.QueryContext(ctx, bind(h.pg, query), args...)
}

func (h *handle) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return h.DB.QueryRowContext(ctx, bind(h.pg, query), args...)
}

// begin starts a write transaction. On PostgreSQL it is READ COMMITTED
// whatever the database's default: each statement then sees what was
// committed before it, so what a transaction reads after taking its
// locks (lock.go) is up to date.
func (h *handle) begin(ctx context.Context) (*sql.Tx, error) {
	if !h.pg {
		return h.BeginTx(ctx, nil)
	}
	return h.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
}

// txn is a write transaction on a handle, placeholders turned likewise.
type txn struct {
	*sql.Tx
	pg bool
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, bind(t.pg, query), args...)
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, bind(t.pg, query), args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, bind(t.pg, query), args...)
}

// bind turns each ? of query into $n for PostgreSQL. The queries have no
// ? inside quotes.
func bind(pg bool, query string) string {
	if !pg || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}
