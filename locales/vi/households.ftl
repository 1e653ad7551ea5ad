## "Dân vận khéo 1+10": a cadre's households, residents joining them, staff assigning them, the commune's coverage.

households = 🏠 Các hộ bạn phụ trách ({ $count }{ $over ->
        [yes]  — nhiều hơn { $usual } hộ của mô hình 1+10
       *[no] {""}
    }):
    { $lines }
households-line = • { $name } — { $members } người (mã tham gia: { $code })
    { $status }
households-notice = Thông báo “{ $title }”: { $done }/{ $of } người đã đọc
households-survey = Khảo sát “{ $title }”: { $done }/{ $of } người đã trả lời
households-consultation = Góp ý “{ $title }”: { $done }/{ $of } người đã góp ý
households-none = Bạn chưa phụ trách hộ nào. Gửi “/hogiadinh them Tên hộ” để thêm một hộ, rồi đưa mã cho các thành viên.
households-usage = Cách dùng: /hogiadinh (xem các hộ), /hogiadinh them Tên hộ (thêm một hộ).
households-added = Đã thêm { $name }. Các thành viên trong hộ gửi: /ho { $code } để tham gia (cần họ đồng ý).
households-remind = 🔔 Nhắc { $name }
households-visit = ✅ Ghi thăm { $name }
households-reminded = Đã gửi lời nhắc tới { $count } người của { $name }.
households-reminded-today = Hôm nay { $name } đã được nhắc việc này rồi; mỗi việc nhắc tối đa một lần một ngày.
households-nothing-to-remind = Mọi người của { $name } đã đọc và góp ý đủ, không cần nhắc.
households-visit-logged = Đã ghi hoạt động thăm { $name } (mô hình “Dân vận khéo 1+10”).
household-visit-title = Thăm hộ { $name } (Dân vận khéo 1+10)
household-reminder-notice = 👋 Cán bộ phụ trách hộ nhắc bạn: thông báo “{ $title }” bạn chưa đọc.
household-reminder-consultation = 👋 Cán bộ phụ trách hộ nhắc bạn: dự thảo “{ $title }” đang lấy ý kiến, rất mong bạn góp ý.
household-reminder-survey = 👋 Cán bộ phụ trách hộ nhắc bạn: khảo sát “{ $title }” đang chờ bạn trả lời.
household-open-notice = 📢 Xem thông báo
household-open-survey = 📋 Trả lời khảo sát
household-join-ask = Tham gia { $name }? Cán bộ phụ trách hộ sẽ thấy bạn đã đọc thông báo và đã góp ý hay chưa (không thấy nội dung bạn trả lời), và có thể nhắc bạn. Bạn có thể rời bằng /forget.
household-join-yes = Đồng ý tham gia
household-join-no = Không
household-join-declined = Bạn không tham gia hộ này.
household-joined = Bạn đã tham gia { $name }.
household-code-wrong = Không có hộ nào với mã này. Hãy hỏi lại cán bộ phụ trách.
household-join-usage = Cách dùng: /ho MÃ (mã do cán bộ phụ trách hộ đưa), hoặc /ho Thôn/xóm, địa chỉ (ví dụ: /ho Xóm 3, số 12 ngõ 4).
household-place-ask = Tham gia hộ ở { $address }, { $village }? Cán bộ phụ trách hộ sẽ thấy bạn đã đọc thông báo và đã góp ý hay chưa (không thấy nội dung bạn trả lời), và có thể nhắc bạn. Bạn có thể rời bằng /forget.
household-place-name = Hộ ở { $address }, { $village }
household-not-found = Không có hộ nào với mã này trong các đơn vị bạn quản lý.
household-not-staff = Người này không phải cán bộ của đơn vị bạn quản lý.
household-assigned = Đã giao { $name } cho cán bộ số { $cadre }; cán bộ này đang phụ trách { $count } hộ{ $over ->
        [yes] {" "}— nhiều hơn { $usual } hộ của mô hình 1+10
       *[no] {""}
    }.
household-unassigned = { $name } không còn cán bộ phụ trách.

## The dashboard's page.
web-nav-households = Dân vận khéo 1+10
web-households-title = “Dân vận khéo 1+10”: cán bộ theo dõi hộ gia đình
web-households-coverage = Độ bao phủ
web-households-households = Số hộ
web-households-with-cadre = Hộ có cán bộ theo dõi
web-households-accompanied = Người dân có cán bộ theo dõi
web-households-cadres = Cán bộ theo dõi hộ
web-households-cadres-over = Cán bộ theo dõi hơn { $usual } hộ
web-households-over = hơn { $usual } hộ
web-households-unreached = Hộ không nhận được thông báo nào trong 30 ngày
web-households-visits = Lượt thăm hộ theo tháng
web-households-assign = Giao hộ cho cán bộ
web-households-assign-button = Giao hộ
web-households-add = Thêm hộ
web-households-add-button = Thêm hộ
web-households-add-invalid = Cần tên hộ (tối đa { $max } ký tự); thôn/tổ và địa chỉ ghi cả hai hoặc bỏ trống cả hai.
web-households-added = Đã thêm { $name }. Các thành viên gửi cho bot: /ho { $code }
web-households-code = Mã hộ
web-households-name = Tên hộ
web-households-village = Thôn, xóm, tổ dân phố
web-households-address = Địa chỉ
web-households-place = Nơi ở
web-households-members = Thành viên
web-households-cadre = Cán bộ theo dõi
web-households-cadre-number = Số cán bộ
web-households-no-cadre = chưa có
web-households-list = Các hộ (hộ chưa có cán bộ trước)
web-households-role = Vai trò
web-households-chat = Liên lạc qua
web-households-choice = { $role } · { $unit } · { $chat } (đang theo dõi { $households } hộ)
web-masked-chat = { $channel } …{ $tail }
web-households-history = Lịch sử giao hộ
web-households-when = Thời gian
web-households-change = Thay đổi
web-households-by = Người thực hiện
web-households-given = Giao cho cán bộ số { $cadre }
web-households-given-erased = Giao cho một cán bộ (đã xoá dữ liệu)
web-households-taken = Không còn cán bộ phụ trách
web-households-by-login = Tài khoản { $login }
web-households-by-person = Cán bộ số { $person } (qua bot)
web-households-by-erased = Một người đã xoá dữ liệu
web-households-by-cli = Dòng lệnh
web-households-open = Xem các hộ và giao hộ cho cán bộ
