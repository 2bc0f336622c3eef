-- Every node LISTENs on osl_user_changed (lib/db/create-db.ts listen): a role, status, session version, name or
-- tenant changed, or a user deleted, by the admin API or directly in SQL, makes each node forget its cached copy of
-- the user and re-check the user's sockets. The payload is `tenant_id:user_id`. Last-seen updates do not notify.
CREATE OR REPLACE FUNCTION osl_notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('osl_user_changed', OLD.tenant_id::text || ':' || OLD.id::text);
    RETURN OLD;
  END IF;
  IF NEW.role IS DISTINCT FROM OLD.role
    OR NEW.active IS DISTINCT FROM OLD.active
    OR NEW.session_version IS DISTINCT FROM OLD.session_version
    OR NEW.name IS DISTINCT FROM OLD.name
    OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id
    OR NEW.id IS DISTINCT FROM OLD.id THEN
    PERFORM pg_notify('osl_user_changed', OLD.tenant_id::text || ':' || OLD.id::text);
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.id IS DISTINCT FROM OLD.id THEN
      PERFORM pg_notify('osl_user_changed', NEW.tenant_id::text || ':' || NEW.id::text);
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_notify_change ON users;
--> statement-breakpoint
CREATE TRIGGER users_notify_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION osl_notify_user_changed();
