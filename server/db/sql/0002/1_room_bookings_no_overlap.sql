ALTER TABLE room_bookings ADD CONSTRAINT room_bookings_no_overlap
        EXCLUDE USING gist (lock_key WITH =, during WITH &&, holder WITH <>)
        DEFERRABLE INITIALLY IMMEDIATE
