# What channels without buttons, and platforms' own limits, add to the conversation.

# Under numbered choices (Zalo has no buttons for bots; long lists on an Official Account).
choose-by-number = Type a number to choose, for example: 1
# Zalo withholds the content of messages from people in protected groups.
content-withheld = Sorry, we cannot see this message. Please type your answer in words, or type a number to choose.
