ALTER TABLE "applied_client_changes" DROP CONSTRAINT "applied_client_changes_user_id_client_change_id_pk";--> statement-breakpoint
ALTER TABLE "applied_client_changes" ADD CONSTRAINT "applied_client_changes_user_id_entity_id_client_change_id_pk" PRIMARY KEY("user_id","entity_id","client_change_id");--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "policy" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "next_policy" jsonb;--> statement-breakpoint
ALTER TABLE "entity_changes" ADD COLUMN "digest" text;