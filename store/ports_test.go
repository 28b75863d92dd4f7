package store_test

import (
	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/ingest"
	"github.com/yuqing/yuqing/store"
)

// The store is what app hands to each stage; these fail to compile when a
// stage's port and the store drift apart.
var (
	_ ingest.StateStore = (*store.Store)(nil)
	_ analyze.Store     = (*store.Store)(nil)
	_ alert.CaseStore   = (*store.Store)(nil)
	_ alert.Outbox      = (*store.Store)(nil)
)
