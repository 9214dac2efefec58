ALTER TABLE `admin_sessions` ADD `token_fingerprint` text;--> statement-breakpoint
ALTER TABLE `providers` ADD `headers_enc` text;