-- PostgreSQL hands out status changes' seq from a sequence from this
-- version on; SQLite's one writer keeps MAX + 1. Nothing changes here.
SELECT 1;
