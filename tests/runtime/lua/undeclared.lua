-- Reads a name it did not declare.
--! keys: first
return K.second
