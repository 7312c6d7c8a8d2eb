-- Appends `event` (an event argument: services.runtime.scripts) to the outbox stream `outbox`,
-- in the fields the relay reads (services.runtime.outbox.EVENT_FIELDS), in the same atomic
-- step as the script's change. An absent event (no subject) appends nothing. `payload`, when
-- given, replaces the event's own (the catalogue appends seat counts to its enrolment events).
local function append_to_outbox(outbox, event, payload)
  if event.subject == '' then return end
  local fields = {'subject', event.subject, 'event_id', event.event_id,
                  'payload', payload or event.payload, 'type', event.type,
                  'traceparent', event.traceparent}
  if event.headers ~= '' then
    fields[#fields + 1] = 'headers'
    fields[#fields + 1] = event.headers
  end
  redis.call('XADD', outbox, '*', unpack(fields))
end
