CREATE TABLE "applied_client_changes" (
	"user_id" uuid NOT NULL,
	"client_change_id" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entity_id" uuid NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applied_client_changes_user_id_client_change_id_pk" PRIMARY KEY("user_id","client_change_id")
);
--> statement-breakpoint
CREATE TABLE "entity_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"field" text NOT NULL,
	"section" text NOT NULL,
	"user_id" uuid NOT NULL,
	"user_name" text NOT NULL,
	"client_change_id" text NOT NULL,
	"op" jsonb NOT NULL,
	"inverse" jsonb,
	"before" jsonb,
	"after" jsonb,
	"strategy" text NOT NULL,
	"outcome" text NOT NULL,
	"overwrote" jsonb,
	"undo_of" uuid,
	"undone_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entity_policies" (
	"tenant_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"sections" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_policies_tenant_id_entity_type_pk" PRIMARY KEY("tenant_id","entity_type")
);
--> statement-breakpoint
CREATE TABLE "sync_conflicts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"field" text NOT NULL,
	"section" text NOT NULL,
	"base_version" integer NOT NULL,
	"base" jsonb,
	"mine" jsonb,
	"theirs" jsonb,
	"mine_user_id" uuid NOT NULL,
	"mine_user_name" text NOT NULL,
	"theirs_user_id" uuid NOT NULL,
	"theirs_user_name" text NOT NULL,
	"theirs_version" integer NOT NULL,
	"client_change_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"resolved_value" jsonb,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "yjs_states" (
	"entity_type" text NOT NULL,
	"entity_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"state" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "applied_client_changes" ADD CONSTRAINT "applied_client_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entity_changes" ADD CONSTRAINT "entity_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entity_changes" ADD CONSTRAINT "entity_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entity_policies" ADD CONSTRAINT "entity_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "yjs_states" ADD CONSTRAINT "yjs_states_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "entity_changes_version_idx" ON "entity_changes" USING btree ("entity_type","entity_id","version");--> statement-breakpoint
CREATE INDEX "entity_changes_field_idx" ON "entity_changes" USING btree ("entity_type","entity_id","field","version");--> statement-breakpoint
CREATE INDEX "entity_changes_section_time_idx" ON "entity_changes" USING btree ("entity_type","entity_id","section","created_at");--> statement-breakpoint
CREATE INDEX "entity_changes_tenant_time_idx" ON "entity_changes" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_conflicts_tenant_status_idx" ON "sync_conflicts" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "sync_conflicts_entity_idx" ON "sync_conflicts" USING btree ("entity_type","entity_id","status");