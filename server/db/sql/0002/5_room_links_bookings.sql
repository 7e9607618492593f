CREATE TRIGGER room_links_bookings AFTER INSERT ON room_links
        FOR EACH ROW EXECUTE FUNCTION book_room_link()
