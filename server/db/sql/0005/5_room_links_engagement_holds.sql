CREATE TRIGGER room_links_engagement_holds AFTER INSERT ON room_links
        FOR EACH ROW EXECUTE FUNCTION hold_room_link()
