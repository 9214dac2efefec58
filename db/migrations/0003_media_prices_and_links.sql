CREATE TABLE `generated_media` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`account_id` text NOT NULL,
	`key_id` text NOT NULL,
	`request_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`upstream_ref_enc` text NOT NULL,
	`mime_type` text,
	`meta` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `generated_media_expiry` ON `generated_media` (`expires_at`);--> statement-breakpoint
ALTER TABLE `models` ADD `price_extras` text DEFAULT '{}' NOT NULL;