# Góp ý dự thảo trong chat, kết quả, và lỗi khi tạo hoặc mở đợt góp ý.

consult-open = 📝 Góp ý dự thảo
consult-intro = 📝 Góp ý dự thảo: { $title }
    { $summary }
    Dự thảo có { $parts } điều. { $answered ->
        [0] Bạn đọc từng điều và bấm Tán thành, Không tán thành hoặc Ý kiến khác; có thể ghi thêm ý kiến.
       *[other] Bạn đã góp ý { $answered }/{ $parts } điều.
    } Bạn có thể sửa ý kiến đến { $closes }.
    { $details }
consult-link = Toàn văn dự thảo: { $link }
consult-read = 📖 Đọc và góp ý từng điều
consult-read-on = 📖 Góp ý tiếp
consult-agree-all = ✅ Tán thành toàn bộ dự thảo
consult-mine = 📋 Ý kiến của tôi
consult-part = 📄 { $heading } ({ $number }/{ $count })
    { $text }
    { $below }
consult-part-current = Quy định hiện hành: { $current }
consult-part-mine = Ý kiến hiện tại của bạn: { $opinion }
consult-agree = ✅ Tán thành
consult-disagree = ❌ Không tán thành
consult-other = 💬 Ý kiến khác
consult-skip = ⏭ Bỏ qua
consult-noted = Đã ghi: { $label } — { $opinion }.
# A part disagreed with, or answered otherwise: noted, and a comment asked for.
consult-noted-ask = { consult-noted }
    { $ask }
consult-ask-comment = Bạn muốn góp ý gì về { $label }? Hãy viết vào đây, hoặc bấm Bỏ qua.
consult-comment-noted = Đã ghi ý kiến của bạn về { $label }. Cảm ơn bạn!
consult-agreed-rest = Đã ghi: tán thành { $count } điều còn lại.
consult-finished = 🙏 Cảm ơn bạn đã góp ý { $answered }/{ $parts } điều: { $agree } tán thành, { $disagree } không tán thành, { $other } ý kiến khác. Bạn có thể sửa ý kiến đến { $closes }.
consult-mine-list = Ý kiến của bạn:
    { $lines }
consult-mine-line = • { $label }: { $opinion }
consult-unanswered = chưa góp ý
consult-change = Sửa { $label }
consult-closed = Đợt góp ý “{ $title }” hiện không nhận ý kiến (đã kết thúc hoặc chưa bắt đầu).
consult-profile-yes = 👤 Cho biết độ tuổi, nghề nghiệp
consult-profile-no = Không, cảm ơn
consult-ask-age = Tự nguyện: độ tuổi và nghề nghiệp chỉ dùng để tổng hợp kết quả theo nhóm, không công bố kèm tên bạn. Bạn có thể rút lại bất cứ lúc nào bằng /forget. Bạn thuộc nhóm tuổi nào?
consult-ask-occupation = Nghề nghiệp của bạn?
consult-profile-thanks = Cảm ơn bạn! Thông tin đã được ghi nhận.
consult-profile-declined = Không sao, ý kiến của bạn vẫn được ghi nhận đầy đủ.
consult-age-u30 = Dưới 30
consult-age-30-45 = 30–45
consult-age-46-60 = 46–60
consult-age-o60 = Trên 60
consult-job-farmer = Nông dân
consult-job-worker = Công nhân
consult-job-official = Cán bộ, công chức
consult-job-business = Kinh doanh
consult-job-student = Học sinh, sinh viên
consult-job-retired = Hưu trí
consult-job-other = Khác
consult-summary = Tổng hợp được { $opinions } ý kiến của { $people } người, trong đó { $agree }% tán thành, { $disagree }% không tán thành, { $other }% ý kiến khác.

consult-file-unreadable = Không đọc được tệp dự thảo: { $why }
consult-file-empty = Mục “{ $field }” không được để trống.
consult-file-too-long = Mục “{ $field }” quá dài (tối đa { $max } ký tự).
consult-file-no-parts = Dự thảo chưa có điều nào (mỗi điều bắt đầu bằng “## ”).
consult-file-too-many-parts = Dự thảo có quá nhiều điều (tối đa { $max }).
consult-file-empty-part = Điều thứ { $part } thiếu tên hoặc nội dung.
consult-file-times = Thời gian không hợp lệ: ghi “YYYY-MM-DD HH:MM” (giờ Việt Nam), chỉ một trong closes_at hoặc open_days (1–366 ngày).
consult-file-no-units = Chưa chọn đơn vị nhận góp ý.
consult-not-found = Không có đợt góp ý này, hoặc bạn không phụ trách nó.
consult-unknown-unit = Không có đơn vị mã { $code }.
consult-not-draft = Đợt góp ý này đã được mở trước đó.
consult-not-open = Đợt góp ý này không đang mở.
consult-closing-passed = Thời hạn kết thúc đã qua.
consult-bad-meeting = Số liệu hội nghị không hợp lệ: mỗi điều phải có trong dự thảo, và số ý kiến không vượt số người dự.

consult-results-title = Kết quả góp ý “{ $title }” — { $scope }
consult-results-part = { $label }: { $agree } tán thành ({ $agree_share }%), { $disagree } không tán thành ({ $disagree_share }%), { $other } ý kiến khác ({ $other_share }%); { $comments } ý kiến bằng lời
consult-results-unit = { $unit }: { $people } người, { $opinions } ý kiến, { $agree_share }% tán thành
consult-results-meetings = Ý kiến tại { $meetings } hội nghị ({ $attendance } lượt người dự), tổng hợp riêng:
consult-results-meeting-part = { $label }: { $agree } tán thành, { $disagree } không tán thành, { $other } ý kiến khác
consult-list = Dự thảo đang lấy ý kiến người dân (bấm để xem và góp ý):
consult-none = Hiện không có dự thảo nào đang lấy ý kiến ở nơi bạn sống.
