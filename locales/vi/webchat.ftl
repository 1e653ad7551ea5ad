# The web chat page (/chat) and the button a commune's site shows (/chat/embed.js); the dashboard's words are in web.ftl.

web-chat-title = Hỏi đáp Dân vận
web-chat-placeholder = Nhập tin nhắn…
web-chat-send = Gửi
# The button that picks a photo to send (a cadre logging an activity).
web-chat-photo = Gửi ảnh
web-chat-open = Hỏi đáp
web-chat-close = Đóng
# Shown while the page cannot reach the server; it keeps trying.
web-chat-offline = Mất kết nối. Đang thử lại…
# The browser would not give the location the bot asked for.
web-chat-location-refused = Không lấy được vị trí. Bạn hãy gõ tên xã, phường của mình nhé.
# The switch between demo people (a resident, a cadre, an admin), shown only in `danvan demo`.
web-chat-persona = Bạn là

# Errors the API answers with, which the page shows.
web-chat-error-malformed = Tin nhắn không đọc được. Bạn hãy tải lại trang rồi gửi lại nhé.
web-chat-error-too-long = Tin nhắn dài quá. Bạn hãy viết ngắn hơn, tối đa { $max } ký tự.
web-chat-error-not-a-photo = Không gửi được ảnh này. Bạn hãy gửi ảnh JPEG hoặc PNG, tối đa { $max } MB.
web-chat-error-unknown-visitor = Phiên trò chuyện này không còn. Trang sẽ mở phiên mới.
web-chat-error-too-many = Bạn gửi nhanh quá. Xin chờ một chút rồi gửi tiếp nhé.
web-chat-error-unavailable = Hệ thống đang bận nên chưa nhận được tin nhắn. Bạn hãy thử lại sau ít phút.
