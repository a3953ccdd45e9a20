-- Which plans an account reaches (issue 26): {"plans": "all" | ["<plan id>", ...], "readAll": true?}
-- as config/users.ts (AccountScope) writes it. NULL: an account made before scopes, which reads and
-- acts on every plan until scoped (rectify user scope); rectify doctor counts them.
ALTER TABLE accounts ADD COLUMN scope jsonb;
