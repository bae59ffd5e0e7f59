package connector

import (
	"database/sql/driver"
	"reflect"
	"sync"
)

// The side table from each driver connection to its record: database/sql
// keeps the driver's own connection (and all its fast paths), and Info finds
// the record through sql.Conn.Raw. An entry leaves when its network
// connection closes.
//
// It is split into shards by the connection's address, each with its own
// lock, so that connections made and closed at once by many goroutines do
// not wait on one process-wide lock (a single sync.Map was the main lock wait
// of the connect path at 64 goroutines).
var records recordTable

const recordShards = 64

type recordTable struct {
	shards [recordShards]struct {
		mu sync.Mutex
		m  map[driver.Conn]*record
		_  [48]byte // 8 (mutex) + 8 (map) + 48: one 64-byte cache line a shard
	}
}

func (t *recordTable) shard(conn any) int {
	v := reflect.ValueOf(conn)
	if v.Kind() != reflect.Pointer {
		return 0
	}
	p := v.Pointer()
	return int((p >> 6) % recordShards) // allocations are at least 8-byte aligned; mix out the low bits
}

func (t *recordTable) store(conn driver.Conn, rec *record) {
	s := &t.shards[t.shard(conn)]
	s.mu.Lock()
	if s.m == nil {
		s.m = map[driver.Conn]*record{}
	}
	s.m[conn] = rec
	s.mu.Unlock()
}

func (t *recordTable) load(conn any) (*record, bool) {
	dc, ok := conn.(driver.Conn)
	if !ok {
		return nil, false
	}
	s := &t.shards[t.shard(dc)]
	s.mu.Lock()
	rec, ok := s.m[dc]
	s.mu.Unlock()
	return rec, ok
}

func (t *recordTable) delete(conn driver.Conn) {
	s := &t.shards[t.shard(conn)]
	s.mu.Lock()
	delete(s.m, conn)
	s.mu.Unlock()
}
