-- A completed transfer keeps no progress records. Completing is then one statement, and the ranges and marks go
-- in the same atomic step as the state changes.
CREATE TRIGGER transfers_completed_forget_progress AFTER UPDATE OF state ON transfers
WHEN NEW.state = 'completed'
BEGIN
    DELETE FROM transfer_ranges WHERE transfer_id = NEW.id;
    DELETE FROM transfer_written WHERE transfer_id = NEW.id;
END;
