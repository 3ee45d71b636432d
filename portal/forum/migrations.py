"""The forum's tables: categories, topics, posts and their revisions, reads, watches, flags,
the moderation log, bans and the FTS5 search index.
"""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "forum", """
ALTER TABLE users ADD COLUMN handle TEXT;           -- @mention name, e.g. irina-lampova
CREATE UNIQUE INDEX users_handle ON users(handle);
ALTER TABLE users ADD COLUMN forum_digest INTEGER NOT NULL DEFAULT 0;   -- weekly digest, opt-in
ALTER TABLE users ADD COLUMN forum_digest_sent REAL;
CREATE TABLE forum_categories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    read_level TEXT NOT NULL DEFAULT 'members',  -- members | staff
    post_level TEXT NOT NULL DEFAULT 'members',  -- members | staff (announcements)
    created_at TEXT NOT NULL
);
CREATE TABLE forum_topics (
    id INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES forum_categories(id),
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    post_count INTEGER NOT NULL DEFAULT 0,       -- visible posts, the first included
    last_number INTEGER NOT NULL DEFAULT 0,      -- highest post number ever given
    last_post_at REAL NOT NULL,
    last_poster_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at REAL NOT NULL
);
CREATE INDEX forum_topics_listing ON forum_topics(category_id, pinned DESC, last_post_at DESC);
CREATE INDEX forum_topics_recent ON forum_topics(last_post_at DESC);
CREATE TABLE forum_posts (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,                     -- 1 = the opening post
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,                          -- Markdown as written
    html TEXT NOT NULL,                          -- rendered and sanitised once, at write time
    created_at REAL NOT NULL,
    edited_at REAL,
    deleted_at REAL,                             -- by the author
    hidden_at REAL,                              -- by a moderator
    hidden_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    hidden_reason TEXT,
    UNIQUE (topic_id, number)
);
CREATE INDEX forum_posts_author ON forum_posts(author_id, created_at);
CREATE TABLE forum_revisions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,                          -- the text before the edit
    edited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    edited_at REAL NOT NULL
);
CREATE TABLE forum_reads (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    last_read INTEGER NOT NULL,                  -- highest post number seen
    PRIMARY KEY (user_id, topic_id)
) WITHOUT ROWID;
CREATE TABLE forum_visits (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_seen REAL NOT NULL,
    previous_visit REAL NOT NULL                 -- "new since last visit" is measured from here
);
CREATE TABLE forum_watches (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                          -- topic | category
    target_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, target_id)
) WITHOUT ROWID;
CREATE TABLE forum_flags (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,                        -- spam | inappropriate | off_topic | other
    note TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    resolved_at REAL,
    resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (post_id, user_id)
);
CREATE TABLE forum_mod_log (
    id INTEGER PRIMARY KEY,
    moderator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,                        -- "topic:12", "post:345", "user:7"
    reason TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE forum_bans (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    until REAL NOT NULL,
    reason TEXT NOT NULL,
    by_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at REAL NOT NULL
);
CREATE VIRTUAL TABLE forum_search USING fts5(
    title, body,                                 -- stemmed words (see portal/forum_search.py)
    tokenize='unicode61 remove_diacritics 2'     -- rowid = forum_posts.id (SQLite 3.40: no contentless delete)
);
"""),
    Migration(27, "forum_likes", """
CREATE TABLE forum_likes (                       -- one member's "useful" on another member's post
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    PRIMARY KEY (post_id, user_id)               -- one like per person and post: a double press changes nothing
) WITHOUT ROWID;
CREATE INDEX forum_likes_user ON forum_likes(user_id, post_id);
"""),
    Migration(28, "forum_solutions", """
CREATE TABLE forum_solutions (                   -- a topic's accepted answer, marked by its asker or a moderator
    topic_id INTEGER PRIMARY KEY REFERENCES forum_topics(id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    by_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at REAL NOT NULL
);
"""),
    Migration(35, "forum_files", """
CREATE TABLE forum_files (                       -- pictures and attachments of posts (portal/forum/files.py)
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,                    -- random: the file's URL, /forum/files/<key>
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,                   -- 1.. in the order chosen: `upload:N` in the post's text
    uploader_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    filename TEXT NOT NULL,                      -- the person's name for it, as data only
    content_type TEXT NOT NULL,                  -- decided from the content on upload
    stored_name TEXT NOT NULL,                   -- random, under CLUB_FILES_DIR/forum
    size INTEGER NOT NULL,                       -- bytes kept (pictures re-encoded)
    original_size INTEGER NOT NULL,              -- bytes uploaded
    sha256 TEXT NOT NULL,                        -- of the bytes uploaded
    width INTEGER, height INTEGER,               -- pictures only, as kept
    thumb_name TEXT, thumb_width INTEGER, thumb_height INTEGER,
    created_at REAL NOT NULL,
    UNIQUE (post_id, position)
);
CREATE INDEX forum_files_uploader ON forum_files(uploader_id);
"""),
    Migration(36, "forum_post_nonce", """
ALTER TABLE forum_posts ADD COLUMN nonce TEXT;  -- the form's one-time value: a double submit makes one post
CREATE UNIQUE INDEX forum_posts_nonce ON forum_posts(nonce) WHERE nonce IS NOT NULL;
"""),
    Migration(37, "forum_list_counters", """
-- Category pages and the latest topics at a million posts (issue 18): each category carries its topic and
-- post counts (no count(*) over its topics per page) and a version that moves, in the same transaction,
-- with every change to what its list shows; the rendered lists are cached by it (portal/forum/lists.py).
-- Triggers, so that every writer keeps them: store.py, moderation, solutions.py, identity's renames.
ALTER TABLE forum_categories ADD COLUMN topic_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE forum_categories ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0;     -- visible posts of its topics
ALTER TABLE forum_categories ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- The latest topics across categories: page ids from this index alone (it replaces last_post_at's own).
CREATE INDEX forum_topics_latest ON forum_topics(last_post_at DESC, category_id);
DROP INDEX forum_topics_recent;
UPDATE forum_categories SET
    topic_count = (SELECT count(*) FROM forum_topics t WHERE t.category_id = forum_categories.id),
    post_count = (SELECT coalesce(sum(t.post_count), 0) FROM forum_topics t WHERE t.category_id = forum_categories.id);
CREATE TRIGGER forum_topic_added AFTER INSERT ON forum_topics BEGIN
    UPDATE forum_categories SET topic_count = topic_count + 1, post_count = post_count + NEW.post_count,
        version = version + 1 WHERE id = NEW.category_id;
END;
CREATE TRIGGER forum_topic_removed AFTER DELETE ON forum_topics BEGIN
    UPDATE forum_categories SET topic_count = topic_count - 1, post_count = post_count - OLD.post_count,
        version = version + 1 WHERE id = OLD.category_id;
END;
CREATE TRIGGER forum_topic_changed AFTER UPDATE ON forum_topics BEGIN  -- a post, pin, lock, move, rename...
    UPDATE forum_categories SET topic_count = topic_count - 1, post_count = post_count - OLD.post_count,
        version = version + 1 WHERE id = OLD.category_id;
    UPDATE forum_categories SET topic_count = topic_count + 1, post_count = post_count + NEW.post_count,
        version = version + 1 WHERE id = NEW.category_id;
END;
CREATE TRIGGER forum_solution_added AFTER INSERT ON forum_solutions BEGIN  -- the «solved» badge
    UPDATE forum_categories SET version = version + 1
        WHERE id = (SELECT category_id FROM forum_topics WHERE id = NEW.topic_id);
END;
CREATE TRIGGER forum_solution_removed AFTER DELETE ON forum_solutions BEGIN
    UPDATE forum_categories SET version = version + 1
        WHERE id = (SELECT category_id FROM forum_topics WHERE id = OLD.topic_id);
END;
CREATE TRIGGER forum_names_changed AFTER UPDATE OF name ON users WHEN NEW.name IS NOT OLD.name BEGIN
    UPDATE forum_categories SET version = version + 1;  -- authors and last posters are named in the lists
END;
"""),
    Migration(38, "forum categories in English", """
ALTER TABLE forum_categories ADD COLUMN title_en TEXT NOT NULL DEFAULT '';        -- '' = show the Russian name
ALTER TABLE forum_categories ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
-- The starter categories of an existing club get their English names (admins change them at /staff/forum).
UPDATE forum_categories SET title_en = 'Club announcements',
    description_en = 'News and announcements from the club''s staff'
    WHERE slug = 'obyavleniya' AND title_en = '';
UPDATE forum_categories SET title_en = 'General questions',
    description_en = 'Introductions, questions about the club and everything else'
    WHERE slug = 'obshchie-voprosy' AND title_en = '';
UPDATE forum_categories SET title_en = 'Projects and calculations',
    description_en = 'Lighting calculations, choosing equipment, project experience'
    WHERE slug = 'proekty-i-raschety' AND title_en = '';
UPDATE forum_categories SET title_en = 'Installation and wiring',
    description_en = 'Wiring diagrams, drivers, lighting controls, common mistakes'
    WHERE slug = 'montazh' AND title_en = '';
UPDATE forum_categories SET title_en = 'Market and sales',
    description_en = 'Demand, prices, tenders, working with clients'
    WHERE slug = 'rynok' AND title_en = '';
"""),
)
