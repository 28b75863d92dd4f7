// Package alert decides which departments answer for a tagged item and
// makes sure they hear about it.
//
// The flow is: Stage.Handle routes a model.TaggedItem through a compiled
// Router, asks the CaseStore to open one case per department together with
// one outbox delivery per receiver (one transaction, idempotent per item and
// department), and kicks the Dispatcher. The Dispatcher claims due
// deliveries from the Outbox under a lease, hands each to its receiver's
// Notifier and records the outcome: delivered, retry later with exponential
// backoff (or when the receiver asked, see RetryAfterError), or failed for
// good. Delivery is at least once: a receiver that must not act twice
// de-duplicates on the delivery id (see WithDeliveryID).
//
// Routing follows Alertmanager's tree (see Router.Match), with label values
// as sets because an item names several places. Each topic of an item is
// routed on its own; when no route claims a topic, the taxonomy's default
// departments for it answer, and when it has none, the root's department
// (the coordinating office).
//
// Attempts: the dispatcher reads model.Delivery.Attempts, as returned by
// ClaimDeliveries, as the number of the attempt it is about to make (1 for
// the first): the Outbox counts an attempt when it hands a delivery out, so
// a sender that crashes mid-send counts too (package store does this). The
// backoff after the n-th attempt is Retry.Initial·2^(n-1), capped at
// Retry.Max, jittered between half and all of it.
//
// Receivers live in alert/notify/…; alert/notify.Build makes them from the
// configuration.
package alert
