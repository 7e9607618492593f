-- Changing whether a kind blocks rooms re-books every activity of that kind.
CREATE FUNCTION rebook_kind() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.blocks_room IS DISTINCT FROM OLD.blocks_room THEN
            UPDATE activities SET kind = kind WHERE kind = NEW.kind;
        END IF;
        RETURN NULL;
    END
    $$
