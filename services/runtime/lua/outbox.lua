-- Appends `event` (an event argument: services.runtime.scripts) to the outbox stream `outbox`,
-- in the fields the relay reads (services.runtime.outbox.EVENT_FIELDS), in the same atomic
-- step as the script's change. An absent event (no subject) appends nothing; `headers` is
-- written only when the event has some. `payload`, when given, replaces the event's own (the
-- catalogue appends seat counts to its enrolment events).
local function append_to_outbox(outbox, event, payload)
  if event.subject == '' then return end
  payload = payload or event.payload
  if event.headers == '' then
    redis.call('XADD', outbox, '*', 'subject', event.subject, 'event_id', event.event_id,
               'payload', payload, 'type', event.type, 'traceparent', event.traceparent)
  else
    redis.call('XADD', outbox, '*', 'subject', event.subject, 'event_id', event.event_id,
               'payload', payload, 'type', event.type, 'traceparent', event.traceparent,
               'headers', event.headers)
  end
end
