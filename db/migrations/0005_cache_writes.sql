ALTER TABLE `models` ADD `price_cache_write` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `price_cache_write_1h` integer;--> statement-breakpoint
ALTER TABLE `request_log` ADD `cache_write_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `request_log` ADD `cache_write_1h_tokens` integer DEFAULT 0 NOT NULL;