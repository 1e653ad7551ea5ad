# The committee dashboard (web pages for staff at desks).

web-nav-overview = Tổng quan
web-nav-notices = Thông báo
web-nav-surveys = Khảo sát
web-nav-activities = Mô hình & hoạt động
web-nav-reports = Báo cáo quý
web-nav-units = Đơn vị
web-nav-invites = Lời mời
web-nav-tickets = Phản ánh, kiến nghị
web-sign-out = Đăng xuất
web-sign-in-title = Đăng nhập
web-sign-in-name = Tên đăng nhập
web-sign-in-password = Mật khẩu
web-sign-in-button = Đăng nhập
web-sign-in-wrong = Tên đăng nhập hoặc mật khẩu không đúng.
web-sign-in-slow-down = Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại.
web-sign-in-one-time-lapsed = Mật khẩu dùng một lần này đã hết hạn (chỉ dùng được trong { $days } ngày). Hãy đề nghị quản trị viên cấp mật khẩu mới.
web-password-title = Đổi mật khẩu
web-password-first = Đây là lần đăng nhập đầu tiên: hãy đặt mật khẩu của riêng bạn thay cho mật khẩu dùng một lần.
web-password-current = Mật khẩu hiện tại
web-password-new = Mật khẩu mới
web-password-repeat = Nhập lại mật khẩu mới
web-password-button = Lưu mật khẩu
web-password-too-short = Mật khẩu cần ít nhất { $min } ký tự.
web-password-mismatch = Hai mật khẩu không giống nhau.
web-password-unchanged = Mật khẩu mới phải khác mật khẩu dùng một lần.
web-password-wrong-current = Mật khẩu hiện tại không đúng.
web-overview-title = Tổng quan
web-overview-notices = Thông báo gần đây
web-overview-surveys = Khảo sát đang mở
web-overview-models = Mô hình theo lĩnh vực
web-overview-residents = Người dân theo đơn vị và kênh
web-none-yet = Chưa có.
web-none-open = Không có khảo sát nào đang mở.
web-unit = Đơn vị
web-total = Tổng
web-all = Tất cả
web-show = Xem
web-quarter = Quý
web-sector = Lĩnh vực
web-state = { $state ->
    [draft] Bản nháp
    [scheduled] Đã hẹn giờ
    [sending] Đang gửi
    [held] Chờ đến 7:00 (giờ yên tĩnh)
    [sent] Đã gửi xong
    [cancelled] Đã hủy
    [open] Đang mở
    [closed] Đã đóng
   *[other] { $state }
}
web-notice-new = Soạn thông báo mới
web-notice-title = Tiêu đề
web-notice-body = Nội dung
web-notice-markup = Có thể dùng **chữ đậm**, *chữ nghiêng*, [liên kết](https://…) và dòng bắt đầu bằng “- ” để liệt kê.
web-notice-directive = Văn bản (số, ngày), nếu có
web-notice-unit = Gửi đến (đơn vị và các đơn vị trực thuộc)
web-notice-units-hint = Chọn một hoặc nhiều đơn vị.
web-notice-roles = Đối tượng
web-notice-roles-none = Không chọn đối tượng nào: gửi cho tất cả.
web-role-residents = Người dân
web-role-cadres = Cán bộ
web-role-admins = Quản trị viên
web-role-cadre = Cán bộ
web-role-admin = Quản trị viên
web-notice-send-at = Thời gian gửi
web-notice-send-at-hint = Ngày/tháng/năm giờ:phút, giờ Việt Nam, ví dụ 15/4/2026 08:00. Để trống: gửi ngay (ban đêm, thông báo chờ đến 7 giờ sáng).
web-notice-urgent = Khẩn: gửi cả ban đêm
web-notice-preview = Xem trước
web-notice-send = Gửi thông báo
web-notice-preview-title = Người dân sẽ nhận được
web-notice-preview-marked = Trên Telegram và web chat
web-notice-preview-plain = Trên Zalo
web-notice-recipients = Số người nhận
web-notice-past = Thời gian gửi đã qua: hãy chọn một thời điểm sắp tới, hoặc để trống để gửi ngay.
web-notice-bad-time = Không đọc được thời gian gửi.
web-notice-state = Trạng thái
web-notice-live = đang cập nhật
web-notice-reasons = Lý do chưa gửi được
web-notice-cancel = Dừng gửi thông báo này
web-notice-questions = Câu hỏi của người dân
web-notice-questions-all = Xem tất cả trong danh sách phản ánh
web-reach-targeted = Người nhận
web-reach-sent = Đã gửi
web-reach-pending = Đang chờ
web-reach-failed = Lỗi
web-reach-undeliverable = Không gửi được lúc này
web-reach-blocked = Đã chặn
web-reach-delivered = Đã nhận
web-reach-read = Đã đọc
web-reach-questions = Câu hỏi
web-survey-title = Khảo sát
web-survey-responses = Đã trả lời
web-survey-invited = Được mời
web-survey-waiting = Còn { $count } câu trả lời ẩn danh chưa được tính: câu trả lời ẩn danh được ghi theo từng đợt (đủ { $batch } câu, hoặc sau { $minutes } phút) để không ai đoán được ai đã trả lời.
web-survey-closes = Đóng lúc
web-survey-new = Tạo khảo sát mới
web-survey-new-hint = Tải lên tệp TOML giống tệp dùng với lệnh “danvan survey create”. Khảo sát được tạo ở dạng nháp; bấm “Mở khảo sát” để mời người dân.
web-survey-file = Tệp khảo sát (.toml)
web-survey-upload = Tải lên
web-survey-form-link = Hoặc soạn khảo sát ngay trên trang
web-survey-form-title = Soạn khảo sát
web-survey-name = Tên khảo sát
web-survey-intro = Lời mời
web-survey-anonymous = Ẩn danh (không gắn câu trả lời với người trả lời)
web-survey-sensitive = Có câu hỏi nhạy cảm (xin đồng ý riêng trước câu hỏi đầu tiên)
web-survey-open-days = Mở trong bao nhiêu ngày
web-survey-days = Số ngày mở khảo sát phải là một số từ 1 đến 366.
web-survey-form-hint = Điền các câu hỏi theo thứ tự; câu hỏi để trống sẽ bị bỏ qua. Với câu hỏi chọn một hoặc chọn nhiều, mỗi dòng là một phương án (tối đa 10).
web-survey-question = Câu hỏi
web-survey-question-text = Nội dung câu hỏi
web-survey-question-kind = Kiểu trả lời
web-survey-question-options = Các phương án (mỗi dòng một phương án)
web-survey-question-optional = Không bắt buộc (có nút “Bỏ qua”)
web-survey-form-create = Tạo khảo sát (nháp)
web-survey-kind-single = Chọn một
web-survey-kind-multiple = Chọn nhiều
web-survey-kind-yes-no = Có / Không
web-survey-kind-rating = Chấm điểm 1–5
web-survey-kind-number = Một con số
web-survey-kind-text = Câu trả lời tự do
web-survey-file-unreadable = Không đọc được tệp: hãy chọn một tệp văn bản UTF-8 dưới 256 KB.
web-survey-file-wrong = Tệp khảo sát có lỗi: { $error }
web-survey-unit-out-of-scope = Khảo sát gửi đến đơn vị { $code }, nằm ngoài phạm vi quản lý của bạn.
web-survey-open = Mở khảo sát
web-survey-close = Đóng khảo sát
web-survey-per-unit = Theo đơn vị
web-survey-comments = { $count } câu trả lời bằng lời
web-download-responses = Tải các câu trả lời (CSV)
web-report-title = Báo cáo quý
web-report-open = Xem báo cáo quý
web-download-models = Tải danh sách mô hình (CSV)
web-download-activities = Tải danh sách hoạt động (CSV)
web-activities-title = Mô hình và hoạt động
web-models = Mô hình
web-activities = Hoạt động
web-model-name = Tên mô hình
web-started = Bắt đầu
web-activity-title = Hoạt động
web-held-on = Ngày
web-participants = Người tham gia
web-photos = Ảnh
web-photo-of = Ảnh hoạt động
web-units-residents-here = Người dân
web-units-none-below = Không có đơn vị trực thuộc.
web-units-code = Mã
web-units-kind = Loại
web-units-below = Đơn vị trực thuộc
web-units-residents = Người dân
web-units-import = Nạp danh sách đơn vị chính thức (khi sáp nhập, đổi tên)
web-import-title = Nạp danh sách đơn vị
web-import-upload = Tải tệp danh sách lên
web-import-help = Tệp CSV theo mẫu của danh sách chính thức (cột code, name, name_en, division_type, parent_code); có thể tải cả danh sách toàn quốc: chỉ các đơn vị trong tỉnh của bạn được nạp. Trước khi nạp, trang sẽ liệt kê các thay đổi để bạn xem lại.
web-import-file = Tệp danh sách (CSV)
web-import-retire = Cho thôi các đơn vị không còn trong danh sách
web-import-preview = Xem các thay đổi
web-import-apply = Nạp các thay đổi này
web-import-no-file = Chưa chọn tệp, hoặc tệp không phải văn bản UTF-8 (tối đa 4 MB).
web-import-unreadable = Không đọc được tệp danh sách: { $reason }
web-import-stale = Danh sách đơn vị vừa được thay đổi ở nơi khác. Đây là các thay đổi tính lại; bạn hãy xem lại rồi nạp.
web-import-plan = Tệp sẽ thêm { $added } đơn vị, sửa { $changed } thông tin; { $missing } đơn vị không có trong tệp; { $outside } đơn vị ngoài tỉnh được bỏ qua. Chưa có gì thay đổi.
web-import-done = Đã nạp: thêm { $added } đơn vị, sửa { $changed } thông tin; { $missing } đơn vị không có trong tệp; { $outside } đơn vị ngoài tỉnh được bỏ qua.
web-import-added = Đơn vị mới
web-import-changed = Thông tin thay đổi
web-import-missing = Không có trong tệp
web-import-parent = Trực thuộc
web-import-change = Thay đổi
# A changed field of a unit: name, name_en (English name), division_type, parent_code.
web-import-field = { $field ->
    [name] Tên
    [name_en] Tên tiếng Anh
    [division_type] Loại đơn vị
    [parent_code] Mã đơn vị cấp trên
   *[other] { $field }
}: { $old } → { $new }
web-import-retired = cho thôi (dữ liệu vẫn giữ)
web-import-kept = giữ nguyên
web-invite-role = Vai trò
web-invite-uses = Số lần dùng
web-invite-days = Có hiệu lực (ngày)
web-invite-button = Tạo mã mời
web-invite-made = Mã mời { $role ->
    [admin] quản trị viên
   *[other] cán bộ
} cho { $unit }, dùng được { $uses } lần, đến hết ngày { $until }.
web-invite-send = Người được mời gửi cho bot:
web-invite-limits = Một mã mời có hiệu lực từ 1 đến { $days } ngày và dùng được từ 1 đến { $uses } lần.
web-channel = { $channel ->
    [telegram] Telegram
    [zalo_oa] Zalo OA
    [zalo_bot] Zalo Bot
    [web] Trò chuyện trên web
    [shell] Shell
   *[other] { $channel }
}
# Residents' tickets (phản ánh, kiến nghị). Status, kind and move names are the chat's ticket-* ids.
web-tickets-title = Phản ánh, kiến nghị của người dân
web-tickets-count = { $total } phản ánh, kiến nghị; { $overdue } quá hạn.
web-tickets-back = Về danh sách phản ánh, kiến nghị
web-ticket-open = Chưa trả lời xong
web-ticket-status = Trạng thái
web-ticket-category = Lĩnh vực
web-ticket-kind = Loại
web-ticket-code = Mã
web-ticket-text = Nội dung
web-ticket-search = Tìm (từ ngữ, hoặc mã như PA-0012)
web-ticket-none = Không có phản ánh, kiến nghị nào.
web-ticket-urgent = Khẩn cấp
web-ticket-overdue = Quá hạn
web-ticket-received = Nhận lúc
web-ticket-accept-due = Hạn tiếp nhận
web-ticket-accepted-at = tiếp nhận lúc
web-ticket-answer-due = Hạn trả lời
web-ticket-answered-at = trả lời lúc
web-ticket-from = Người gửi
web-ticket-sender = { $who ->
    [anonymous] Ẩn danh
    [erased] Người gửi đã xóa dữ liệu của mình
   *[other] Người dân #{ $who }
}
web-ticket-location = Vị trí
web-ticket-map = Xem trên bản đồ (OpenStreetMap)
web-ticket-photo-of = Ảnh kèm phản ánh
web-ticket-answer = Câu trả lời
web-ticket-rating-label = Đánh giá của người dân
web-ticket-rating = { $rating ->
    [satisfied] Hài lòng
    [unsatisfied] Chưa hài lòng
   *[other] Chưa đánh giá
}
web-ticket-actions = Xử lý
# The words a move needs: its code is a ticket-move-* id's ending.
web-ticket-move-text = { $move ->
    [answer] Câu trả lời gửi người dân
    [ask_more] Người dân cần bổ sung gì
    [transfer] Lý do chuyển
    [reject] Lý do từ chối
    [reopen] Lý do mở lại
   *[other] Ghi chú
}
web-ticket-transfer-unit = Chuyển đến đơn vị (mã đơn vị)
web-ticket-done = Đã cập nhật: { $move }.
web-ticket-history = Diễn biến
web-ticket-when = Thời gian
web-ticket-event-label = Việc
web-ticket-who = Người thực hiện
web-ticket-words = Nội dung
# What the resident (or the system) did; staff moves are named by their ticket-move-* ids.
web-ticket-event = { $action ->
    [received] Người dân gửi
    [info] Người dân bổ sung thông tin
    [comment] Người dân nhận xét
    [rated_satisfied] Người dân hài lòng với câu trả lời
    [rated_unsatisfied] Người dân chưa hài lòng với câu trả lời
    [reopened_by_resident] Người dân mở lại
   *[other] { $action }
}
# Who acted: the resident, a staff member in chat (person id), a dashboard login, the command line.
web-ticket-actor = { $kind ->
    [resident] Người dân
    [person] Cán bộ (qua chat) #{ $who }
    [login] { $who } (trang quản trị)
    [cli] Dòng lệnh
   *[other] { $kind }{ $who }
}
web-page = Trang { $page }/{ $pages }
web-page-previous = Trang trước
web-page-next = Trang sau

demo-persona = { $role ->
    [admin] Quản trị viên
    [cadre] Cán bộ
   *[other] Người dân
} · { $unit }
web-overview-tickets = Phản ánh, kiến nghị của người dân
web-tickets-received = Tiếp nhận
web-tickets-accepted-on-time = Tiếp nhận đúng hạn
web-tickets-answered = Đã trả lời
web-tickets-answered-on-time = Trả lời đúng hạn
web-tickets-overdue = Quá hạn
web-tickets-satisfied = Hài lòng
web-ticket-open-queue = Mở danh sách phản ánh

web-nav-consultations = Góp ý dự thảo
web-consult-parts = Số điều
web-consult-new = Đợt góp ý mới
web-consult-new-hint = Dán văn bản dự thảo theo mẫu Markdown (xem examples/consultation.md): phần đầu giữa hai dòng +++ ghi đơn vị nhận góp ý và thời hạn; “# ” là tên dự thảo, “## ” mở đầu mỗi điều, dòng bắt đầu bằng “>” là quy định hiện hành.
web-consult-text = Văn bản dự thảo
web-consult-create = Tạo bản nháp
web-consult-open = Mở lấy ý kiến và gửi thông báo mời
web-consult-close = Kết thúc lấy ý kiến
web-consult-close-confirm = Tôi hiểu: kết thúc thì người dân không thể góp ý hay sửa ý kiến nữa.
web-consult-opened = Đã mở lấy ý kiến; thông báo mời đang được gửi.
web-consult-closed = Đã kết thúc lấy ý kiến.
web-consult-meeting-added = Đã ghi ý kiến của hội nghị.
web-consult-public-page = Trang toàn văn dự thảo
web-consult-download = Tải số liệu (CSV)
web-consult-per-part = Theo từng điều
web-consult-part = Điều
web-consult-comments = Ý kiến bằng lời
web-consult-at-meetings = Hội nghị (tán thành / không / khác)
web-consult-people = Số người
web-consult-groups = Theo độ tuổi và nghề nghiệp
web-consult-groups-hint = Chỉ tính người đã đồng ý cho biết độ tuổi, nghề nghiệp; nhóm dưới 5 người không hiện để không ai bị nhận ra.
web-consult-group = Nhóm
web-consult-opinions = Số ý kiến
web-consult-meetings = Ý kiến tại hội nghị
web-consult-meetings-hint = Ý kiến thu tại các hội nghị được ghi riêng theo từng điều, không cộng vào ý kiến qua chat.
web-consult-held-on = Ngày họp
web-consult-place = Địa điểm
web-consult-attendance = Số người dự
web-consult-summary = Tóm tắt ý kiến
web-consult-add-meeting = Ghi ý kiến hội nghị
web-draft-how = Góp ý đến { $closes } trong ứng dụng chat bạn nhận thông báo (Zalo, Telegram…): bấm “📝 Góp ý dự thảo”, hoặc gửi /gopy.

# Documents a committee files (Word), laid out as Decree 30/2020 has it.
doc-nation = CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
doc-motto = Độc lập - Tự do - Hạnh phúc
doc-place-date = { $place }, ngày { $day } tháng { $month } năm { $year }
doc-report = BÁO CÁO
doc-report-subject = Kết quả xây dựng mô hình “Dân vận khéo” { $quarter }
doc-consult-choice = { $choice ->
    [agree] Tán thành
    [disagree] Không tán thành
   *[other] Ý kiến khác
}
doc-consult-share = { $count } ({ $share }%)
doc-consult-at-meetings = { $choice } (hội nghị)
doc-survey-subject = Kết quả khảo sát “{ $title }”
web-download-report = Tải báo cáo (Word)
web-download-survey = Tải kết quả (Word)
web-download-consultation = Tải báo cáo kết quả (Word)
web-print = In
web-report-heading = Báo cáo { $quarter } · { $unit }
web-quarter-name = Quý { $number ->
        [1] I
        [2] II
        [3] III
       *[4] IV
    }/{ $year }
web-chart-picture = Tải biểu đồ (ảnh PNG)
web-notice-held = sẽ gửi lúc { $time } (giờ yên tĩnh ban đêm)
web-notice-cancel-confirm = Dừng gửi thông báo này? Những người chưa nhận sẽ không nhận được nữa.
web-survey-remind-unfinished = Nhắc người đã bắt đầu mà chưa trả lời xong
web-survey-remind-not-started = Nhắc người được mời mà chưa bắt đầu
web-survey-close-confirm = Đóng khảo sát? Người dân sẽ không trả lời thêm được nữa.
web-survey-done = { $done ->
    [opened] Khảo sát đã mở: { $count } người được mời.
    [closed] Khảo sát đã đóng.
    [unfinished] Đã nhắc { $count } người đã bắt đầu mà chưa trả lời xong (mỗi người chỉ được nhắc một lần).
    [not_started] Đã nhắc { $count } người được mời mà chưa bắt đầu (mỗi người chỉ được nhắc một lần).
   *[other] { $done }
}
web-notice-unit-search = Tìm đơn vị (gõ không dấu cũng được)
web-notice-goes-to = Gửi đến
web-activities-search = Tìm (tên đơn vị, tên hoạt động)
web-sort = Sắp xếp
web-sort-newest = Mới nhất trước
web-sort-unit = Theo đơn vị
web-sort-participants = Đông người tham gia nhất trước
web-product = Trang quản trị “Dân vận khéo”
web-not-found-title = Không tìm thấy trang (404)
web-not-found = Trang này không có, đã bị xoá, hoặc nằm ngoài phạm vi quản lý của bạn.
web-not-found-back = Về trang tổng quan
