-- The request trace an outbox event continues when the relay publishes it
-- (see porttrack_platform::outbox).
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
