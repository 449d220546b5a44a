-- The buttons and links a message of Talas carried (JSON), so a channel that shows the
-- conversation again (the portal's chat page, which answers a form post with a redirect)
-- can offer them once more. NULL for plain text.
ALTER TABLE conversation_messages ADD COLUMN extras TEXT;
