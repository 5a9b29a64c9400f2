-- Whether a channel's briefings are worded by the deployment's language model
-- (MOMENTUM_LLM_URL), set by /momentum prose on|off; off until a manager turns it on.
ALTER TABLE channels ADD COLUMN prose INTEGER NOT NULL DEFAULT 0 CHECK (prose IN (0, 1));

-- Which text a posted briefing went out with: 'template' (the deterministic text, the
-- channel asked for no prose), 'model' (the model's, every figure checked) or 'fallback'
-- (prose was asked for and refused, timed out or failed; ``text_note`` says why).
-- NULL for briefings from before this column, and for posts that were not made.
ALTER TABLE deliveries ADD COLUMN text_source TEXT CHECK (text_source IN ('template', 'model', 'fallback'));
ALTER TABLE deliveries ADD COLUMN text_note TEXT;
