-- The user-change notification (0007) now also says which transaction made the change and whether the admin API
-- made it: `tenant_id:user_id:txid:origin`. The admin API marks its transactions (`osl.change_origin` = 'admin')
-- and announces its changes itself; for any other change (made in SQL) one node, the first to claim the
-- transaction id, tells the tenant's open admin consoles. A user inserted in SQL notifies too.
CREATE OR REPLACE FUNCTION osl_notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tail text := ':' || txid_current()::text || ':' || coalesce(current_setting('osl.change_origin', true), '');
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('osl_user_changed', NEW.tenant_id::text || ':' || NEW.id::text || tail);
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('osl_user_changed', OLD.tenant_id::text || ':' || OLD.id::text || tail);
    RETURN OLD;
  END IF;
  IF NEW.role IS DISTINCT FROM OLD.role
    OR NEW.active IS DISTINCT FROM OLD.active
    OR NEW.session_version IS DISTINCT FROM OLD.session_version
    OR NEW.name IS DISTINCT FROM OLD.name
    OR NEW.email IS DISTINCT FROM OLD.email
    OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id
    OR NEW.id IS DISTINCT FROM OLD.id THEN
    PERFORM pg_notify('osl_user_changed', OLD.tenant_id::text || ':' || OLD.id::text || tail);
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.id IS DISTINCT FROM OLD.id THEN
      PERFORM pg_notify('osl_user_changed', NEW.tenant_id::text || ':' || NEW.id::text || tail);
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_notify_change ON users;
--> statement-breakpoint
CREATE TRIGGER users_notify_change AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION osl_notify_user_changed();
