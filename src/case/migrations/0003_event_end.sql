-- When an event's action ended, for sources that record it (an OpenTelemetry span's
-- endTimeUnixNano), in UTC like `ts`; the duration is ts_end - ts.
ALTER TABLE events ADD COLUMN ts_end TIMESTAMP;
