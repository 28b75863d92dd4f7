// Package bus connects yuqing's stages through NATS JetStream.
//
// Open either starts an embedded nats-server with JetStream in the data
// directory (the default, no TCP listener unless configured) or connects to an
// external server or cluster. Both paths then create or update the same
// streams (ITEMS, TAGGED, EVENTS, ALERTS) and durable pull consumers
// ("analyze" on ITEMS, "alert" on TAGGED), so a second Open on the same data
// directory or cluster keeps every message.
//
// The ack policy is the point of this package: a message is acknowledged
// (and the acknowledgement confirmed by the server) only after its handler
// returned nil; a message that cannot be decoded or whose handler reports a
// model.ErrPermanent failure is terminated and logged; any other failure is
// redelivered with exponential backoff until the consumer's MaxDeliver, after
// which it is given up, logged, and left in the stream for inspection.
package bus
