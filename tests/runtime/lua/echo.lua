-- A script of the tests: appends its event to the outbox and returns what it was given, by
-- name, to show that names and values meet whatever their order.
--! keys: first outbox
--! args: number flag text
--! events: event
--! list items: key:place label
--! include: outbox
append_to_outbox(K.outbox, A.event)
local places = {}
for i = 1, #A.items do
  places[#places + 1] = A.items[i].place .. '=' .. A.items[i].label
end
return {K.first, A.number, A.flag, A.text, table.concat(places, ','), #A.items}
