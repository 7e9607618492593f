-- Linking two rooms books the link for everything already booked in either room: if they
-- are already used at the same time, the link is refused by the same constraint.
CREATE FUNCTION book_room_link() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
        FROM (VALUES ('link:' || NEW.id), ('room:' || NEW.room_id), ('room:' || NEW.other_room_id))
            AS keys(k)
        ORDER BY k;
        INSERT INTO room_bookings (activity_id, link_id, lock_key, holder, during)
        SELECT b.activity_id, NEW.id, 'link:' || NEW.id, b.holder, b.during
        FROM room_bookings b
        WHERE b.link_id IS NULL
          AND b.lock_key IN ('room:' || NEW.room_id, 'room:' || NEW.other_room_id);
        RETURN NULL;
    END
    $$
