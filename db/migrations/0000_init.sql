CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`used` integer DEFAULT 0 NOT NULL,
	`config_hash` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_name_unique` ON `accounts` (`name`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`routes` text NOT NULL,
	`price_input` integer DEFAULT 0 NOT NULL,
	`price_cached_input` integer DEFAULT 0 NOT NULL,
	`price_output` integer DEFAULT 0 NOT NULL,
	`max_output_tokens` integer,
	`context_window` integer,
	`capabilities` text DEFAULT '{}' NOT NULL,
	`config_hash` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `providers` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`base_url` text NOT NULL,
	`api_key_enc` text,
	`options` text DEFAULT '{}' NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`timeouts` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`config_hash` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`rpm_limit` integer,
	`daily_request_limit` integer,
	`spend_limit` integer,
	`used` integer DEFAULT 0 NOT NULL,
	`models` text,
	`expires_at` integer,
	`last_used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_account` ON `api_keys` (`account_id`);--> statement-breakpoint
CREATE TABLE `ledger` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`key_id` text,
	`request_id` text,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_account_time` ON `ledger` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `request_log` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`key_id` text,
	`account_id` text,
	`endpoint` text NOT NULL,
	`model` text,
	`provider` text,
	`upstream_model` text,
	`status` integer NOT NULL,
	`outcome` text NOT NULL,
	`stream` integer DEFAULT false NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`usage_source` text DEFAULT 'none' NOT NULL,
	`cost` integer DEFAULT 0 NOT NULL,
	`latency_ms` integer DEFAULT 0 NOT NULL,
	`ttft_ms` integer,
	`max_tokens_clamped` integer,
	`error_code` text,
	`error_message` text,
	`attempts` text,
	`dropped_fields` text
);
--> statement-breakpoint
CREATE INDEX `request_log_time` ON `request_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `request_log_key_time` ON `request_log` (`key_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `request_log_account_time` ON `request_log` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `request_log_model_time` ON `request_log` (`model`,`created_at`);--> statement-breakpoint
CREATE TABLE `idempotency` (
	`key_id` text NOT NULL,
	`idem_key` text NOT NULL,
	`body_hash` text NOT NULL,
	`status` integer NOT NULL,
	`headers` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`key_id`, `idem_key`)
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
