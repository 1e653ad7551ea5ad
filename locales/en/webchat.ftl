# The web chat page (/chat) and the button a commune's site shows (/chat/embed.js); the dashboard's words are in web.ftl.

web-chat-title = Dân vận questions and answers
web-chat-placeholder = Type a message…
web-chat-send = Send
web-chat-photo = Send a photo
web-chat-open = Ask us
web-chat-close = Close
# Shown while the page cannot reach the server; it keeps trying.
web-chat-offline = Connection lost. Trying again…
# The browser would not give the location the bot asked for.
web-chat-location-refused = Your location could not be read. Please type the name of your commune or ward.
# The switch between demo people (a resident, a cadre, an admin), shown only in `danvan demo`.
web-chat-persona = You are

# Errors the API answers with, which the page shows.
web-chat-error-malformed = This message could not be read. Please reload the page and send it again.
web-chat-error-too-long = This message is too long. Please keep it under { $max } characters.
web-chat-error-not-a-photo = This photo could not be sent. Please send a JPEG or PNG photo of at most { $max } MB.
web-chat-error-unknown-visitor = This chat session no longer exists. The page will start a new one.
web-chat-error-too-many = You are sending very fast. Please wait a moment before sending more.
web-chat-error-unavailable = The service is busy and did not receive your message. Please try again in a few minutes.
