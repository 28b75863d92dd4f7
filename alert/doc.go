// Package alert decides which departments answer for a tagged item, keeps
// one case per story and department, runs the statutory clock of each case
// and makes sure the departments hear about it.
//
// The flow is: Stage.Handle routes a model.TaggedItem through a compiled
// Router and hands the CaseStore one opening per chosen department. The
// store finds the department's case of the item's story or opens it,
// attaches the item (once: redelivered messages change nothing), and lets
// the Policy decide, inside the same transaction, what the change means:
// the deadlines the case owes, and which messages go out (the first alert of
// a new case; an update when the story's severity rose or its spread crossed
// a threshold). The Ticker drives the cases by the clock: reminders at 50%
// and 80% of each deadline, an escalation to the supervising office at
// 100%, held-back updates, and repeats for cases nobody signed for. Every
// message is queued in the outbox under its own key per receiver ("update:2",
// "reminder:first_info:50", "escalation:response", "repeat:3"), so neither a
// redelivered message nor a restarted clock queues one twice. The Dispatcher
// claims due deliveries from the Outbox under a lease, hands each to its
// receiver's Notifier and records the outcome: delivered, retry later with
// exponential backoff (or when the receiver asked, see RetryAfterError), or
// failed for good. Delivery is at least once: a receiver that must not act
// twice de-duplicates on the delivery id (see WithDeliveryID).
//
// Routing follows Alertmanager's tree (see Router.Match), with label values
// as sets because an item names several places. Each topic of an item is
// routed on its own; when no route claims a topic, the taxonomy's default
// departments for it answer, and when it has none, the root's department
// (the coordinating office). A route may bring in the topic's own
// departments (topic_departments), which is how county routes combine the
// county government with the city department in charge (属地管理). Timing
// (group_by, group_wait, group_interval, repeat_interval) is inherited down
// the tree.
//
// Time: deadlines run on the wall clock from the story's earliest known
// time (at most alert.deadlines.max_backdate before its detection). A work
// Calendar holds routine messages about ordinary cases until working time;
// nothing about a Ⅰ/Ⅱ case waits, neither for the calendar nor for
// group_wait. Silences mute stories, topics or sources (see silences.go);
// inhibition keeps one story from reaching the supervising office once per
// department (see inhibition.go).
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
