-- The web chat: visitors known by a bearer token the server made, and the messages sent to them,
-- kept until the page fetches them (and after, as the chat's history on reload).

-- A visitor's token is never stored: only its SHA-256, which the server looks the token up by. The
-- chat's address is a prefix of the same digest in hex, so a stored address never gives the token.
CREATE TABLE web_visitors (
    token_hash bytea PRIMARY KEY,
    address    text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Messages to a visitor, rendered, in the order sent; the id is the message id receipts name.
CREATE TABLE web_chat_messages (
    id         bigserial PRIMARY KEY,
    address    text NOT NULL,
    message    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_chat_messages_address ON web_chat_messages (address, id);

-- The history is what the bot said to the person: it goes when their chat does (/forget, or
-- consent refused), so that only what is sent afterwards (the goodbye) remains.
CREATE FUNCTION web_chat_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM web_chat_messages WHERE address = OLD.address;
    RETURN NULL;
END $$;
CREATE TRIGGER web_chat_forget AFTER DELETE ON chats
    FOR EACH ROW WHEN (OLD.channel = 'web') EXECUTE FUNCTION web_chat_forget();
