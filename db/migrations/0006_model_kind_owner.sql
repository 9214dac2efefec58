ALTER TABLE `models` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `models` ADD `owned_by` text;