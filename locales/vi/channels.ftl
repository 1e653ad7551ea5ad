# What channels without buttons, and platforms' own limits, add to the conversation.

# Under numbered choices (Zalo has no buttons for bots; long lists on an Official Account).
choose-by-number = Gõ số để chọn, ví dụ: 1
# Zalo withholds the content of messages from people in protected groups.
content-withheld = Xin lỗi, tin nhắn này không hiển thị được với chúng tôi. Bạn hãy gõ chữ hoặc gõ số để chọn nhé.
