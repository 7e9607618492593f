CREATE TRIGGER activity_kinds_rebook AFTER UPDATE ON activity_kinds
        FOR EACH ROW EXECUTE FUNCTION rebook_kind()
