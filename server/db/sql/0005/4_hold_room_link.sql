-- Linking two rooms extends the holds of both to the link (refused if they clash).
CREATE FUNCTION hold_room_link() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
        FROM (VALUES ('link:' || NEW.id), ('room:' || NEW.room_id), ('room:' || NEW.other_room_id))
            AS keys(k)
        ORDER BY k;
        INSERT INTO engagement_holds (engagement_id, link_id, lock_key, show_id, during)
        SELECT h.engagement_id, NEW.id, 'link:' || NEW.id, h.show_id, h.during
        FROM engagement_holds h
        WHERE h.link_id IS NULL
          AND h.lock_key IN ('room:' || NEW.room_id, 'room:' || NEW.other_room_id);
        RETURN NULL;
    END
    $$
