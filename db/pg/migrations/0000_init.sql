CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"used" bigint DEFAULT 0 NOT NULL,
	"config_hash" text,
	"created_at" bigint NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "accounts_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "admin_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text,
	"token_fingerprint" text,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "admin_sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "admin_users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_login_at" bigint,
	CONSTRAINT "admin_users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"kind" text,
	"owned_by" text,
	"routes" jsonb NOT NULL,
	"price_input" bigint DEFAULT 0 NOT NULL,
	"price_cached_input" bigint DEFAULT 0 NOT NULL,
	"price_output" bigint DEFAULT 0 NOT NULL,
	"price_cache_write" bigint,
	"price_cache_write_1h" bigint,
	"price_extras" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_output_tokens" bigint,
	"context_window" bigint,
	"capabilities" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fallbacks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"config_hash" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"base_url" text NOT NULL,
	"api_key_enc" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"headers_enc" text,
	"timeouts" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"config_hash" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"rpm_limit" bigint,
	"daily_request_limit" bigint,
	"spend_limit" bigint,
	"used" bigint DEFAULT 0 NOT NULL,
	"models" jsonb,
	"expires_at" bigint,
	"last_used_at" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "ledger" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"key_id" text,
	"request_id" text,
	"note" text,
	"created_at" bigint NOT NULL,
	"position" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);
--> statement-breakpoint
CREATE TABLE "generated_media" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"account_id" text NOT NULL,
	"key_id" text NOT NULL,
	"request_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"upstream_ref_enc" text NOT NULL,
	"mime_type" text,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_log" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" bigint NOT NULL,
	"key_id" text,
	"account_id" text,
	"endpoint" text NOT NULL,
	"model" text,
	"provider" text,
	"upstream_model" text,
	"status" bigint NOT NULL,
	"outcome" text NOT NULL,
	"stream" boolean DEFAULT false NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_1h_tokens" bigint DEFAULT 0 NOT NULL,
	"usage_source" text DEFAULT 'none' NOT NULL,
	"cost" bigint DEFAULT 0 NOT NULL,
	"latency_ms" bigint DEFAULT 0 NOT NULL,
	"ttft_ms" bigint,
	"max_tokens_clamped" bigint,
	"error_code" text,
	"error_message" text,
	"attempts" jsonb,
	"dropped_fields" jsonb
);
--> statement-breakpoint
CREATE TABLE "idempotency" (
	"key_id" text NOT NULL,
	"idem_key" text NOT NULL,
	"body_hash" text NOT NULL,
	"status" bigint NOT NULL,
	"headers" jsonb NOT NULL,
	"body" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "idempotency_key_id_idem_key_pk" PRIMARY KEY("key_id","idem_key")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_user_id_admin_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."admin_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_sessions_expiry" ON "admin_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "api_keys_account" ON "api_keys" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "ledger_account_time" ON "ledger" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "generated_media_expiry" ON "generated_media" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "request_log_time" ON "request_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "request_log_key_time" ON "request_log" USING btree ("key_id","created_at");--> statement-breakpoint
CREATE INDEX "request_log_account_time" ON "request_log" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "request_log_model_time" ON "request_log" USING btree ("model","created_at");