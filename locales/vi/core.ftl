# danvan — tiếng Việt (ngôn ngữ tham chiếu). Mỗi id ở đây phải có trong mọi ngôn ngữ khác.

# Bên kiểm soát dữ liệu: đơn vị triển khai sửa dòng này.
-controller = Ban Dân vận Tỉnh ủy Hưng Yên

greeting = Xin chào! Đây là kênh dân vận của { -controller }: nhận thông báo, trả lời khảo sát và gửi ý kiến ngay trong ứng dụng chat.
    Bạn muốn dùng ngôn ngữ nào?
language-ask = Bạn muốn dùng ngôn ngữ nào?
language-vi = Tiếng Việt
language-en = English
start-hint = Gửi /start để bắt đầu.

consent = Trước khi tiếp tục, xin bạn đồng ý cho chúng tôi xử lý dữ liệu cá nhân theo Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15).
    • Dữ liệu: tài khoản chat, ngôn ngữ, xã/phường nơi bạn sống, và các câu trả lời bạn gửi.
    • Mục đích: gửi thông báo của cấp ủy, chính quyền tới đúng địa bàn; lấy ý kiến người dân.
    • Bên kiểm soát dữ liệu: { -controller }. Không bán, không chia sẻ cho bên thứ ba.
    • Quyền của bạn: xem dữ liệu (/mydata), sửa (/unit, /lang), ngừng nhận tin (/stop), rút lại đồng ý và xoá dữ liệu (/forget) bất cứ lúc nào.
    Các câu hỏi nhạy cảm (ví dụ quan điểm chính trị) sẽ được xin đồng ý riêng.
    (Văn bản đồng ý phiên bản { $version })
consent-yes-button = Tôi đồng ý
consent-no-button = Không đồng ý
consent-thanks = Cảm ơn bạn đã đồng ý.
consent-declined = Bạn đã không đồng ý. Chúng tôi không lưu thông tin nào của bạn, chỉ ghi nhận lần từ chối này. Nếu đổi ý, hãy gửi /start.

unit-keep-button = ↩️ Giữ xã/phường hiện tại
unit-kept = Đã giữ nguyên xã/phường của bạn.
unit-ask = Bạn sống ở xã hoặc phường nào? Hãy gõ tên (tên cũ trước khi sáp nhập cũng được), ví dụ: Tiên Lữ
unit-several = Có nhiều nơi tên “{ $query }”. Bạn ở đâu?
unit-suggestions = Không tìm thấy “{ $query }”. Có phải bạn muốn chọn:
unit-none = Không tìm thấy xã/phường nào giống “{ $query }”. Hãy gõ lại tên xã hoặc phường, có thể thêm tên tỉnh, ví dụ: Tiên Lữ, Hưng Yên
unit-ask-or-share = Bạn sống ở xã hoặc phường nào? Hãy gõ tên (tên cũ trước khi sáp nhập cũng được), ví dụ: Tiên Lữ — hoặc bấm “Gửi vị trí”.
unit-share-location-button = 📍 Gửi vị trí
unit-confirm-former = { $former } nay thuộc { $unit } — đúng không?
unit-confirm-location = Vị trí bạn gửi nằm ở { $unit } — đúng không?
unit-former-split = { $former } nay thuộc nhiều xã/phường. Nơi bạn ở nay thuộc:
unit-via-former = { $unit } ({ $former })
unit-location-unknown = Chưa xác định được xã/phường từ vị trí này. Hãy gõ tên xã hoặc phường, ví dụ: Tiên Lữ
unit-location-border = Vị trí bạn gửi nằm ở ranh giới giữa các xã/phường. Bạn ở đâu?
former-name = { $name } (cũ)
former-name-in = { $name } (cũ, { $district })
unit-others = Những nơi khác tên “{ $query }”, kể cả tên cũ trước khi sáp nhập:
unit-widespread = Có { $count } nơi tên “{ $query }”, kể cả tên cũ trước khi sáp nhập. Nơi bạn ở thuộc đâu? Gõ tên tỉnh (ví dụ: Hưng Yên), xã/phường mới, hoặc huyện/quận cũ.
unit-ask-where = “{ $query }” của bạn thuộc đâu? Gõ tên tỉnh (ví dụ: Hưng Yên), xã/phường mới, hoặc huyện/quận cũ.
unit-none-where = Không có nơi nào tên “{ $query }” ở “{ $place }”.
unit-no-others = Không còn nơi nào khác tên “{ $query }”. Hãy gõ tên kèm tên tỉnh hoặc tên xã/phường mới, ví dụ: Minh Khai, Hưng Hà
unit-pick = Xin chọn xã/phường của bạn:
unit-retry-button = Gõ lại tên khác
unit-confirm = { $unit } — đúng không?
yes-button = Đúng
unit-no-button = Không, tìm lại
unit-query-too-long = Tên quá dài. Chỉ cần gõ tên xã hoặc phường.
unit-name = { $name }
unit-in-province = { $name }, { $province }
signup-done = Xong! Bạn đã đăng ký tại { $unit }. Bạn sẽ nhận thông báo và khảo sát của địa phương tại đây.
unit-changed = Đã chuyển sang { $unit }.

menu = Bạn cần gì?
menu-mydata = Dữ liệu của tôi
menu-unit = Đổi xã/phường
menu-lang = Ngôn ngữ
menu-help = Hướng dẫn
menu-link = 🔗 Liên kết Zalo/Telegram
help = Các lệnh:
    /unit — đổi xã/phường
    /lang — đổi ngôn ngữ
    /notices — xem lại thông báo gần đây
    /surveys — khảo sát đang mở
    /gopy — góp ý dự thảo đang lấy ý kiến
    /phananh — phản ánh, kiến nghị, câu hỏi bạn đã gửi (cứ gõ điều bạn muốn gửi cho xã)
    /mydata — xem dữ liệu chúng tôi lưu về bạn
    /stop — ngừng nhận thông báo, /start — nhận lại
    /forget — xoá dữ liệu của bạn
    /join MÃ — nhận vai trò cán bộ bằng mã mời
    /link — liên kết với ứng dụng chat khác của bạn (Zalo, Telegram): một lần đăng ký cho cả hai
    /ho MÃ — vào hộ gia đình theo mã cán bộ đưa
help-cadre = Lệnh của cán bộ:
    /log — ghi hoạt động, /model — đăng ký mô hình, /models — trạng thái mô hình, /mylogs — hoạt động đã ghi
    /report — báo cáo quý, /hogiadinh — các hộ bạn đi cùng (1+10)
help-admin = Lệnh của quản trị viên:
    /notice — soạn thông báo, /status SỐ — tình hình gửi, /results SỐ — kết quả khảo sát, /invite — mời cán bộ
help-signup = Bạn đang đăng ký. Hãy trả lời câu hỏi dưới đây, hoặc gửi /start để làm lại từ đầu.
welcome-back = Chào mừng bạn trở lại! Bạn sẽ tiếp tục nhận thông báo.
language-changed = Đã chuyển sang tiếng Việt.
stopped = Bạn sẽ không nhận thông báo nữa. Gửi /start khi muốn nhận lại.

button-expired = Nút này đã hết hạn.
attachment-not-expected = Lúc này chúng tôi chưa cần ảnh hay vị trí.
use-buttons = Xin chọn một nút bên dưới.
unknown-text = Xin lỗi, tôi chưa hiểu. Hãy chọn một mục bên dưới hoặc gửi /help.
unknown-command = Không có lệnh { $command }. Gửi /help để xem các lệnh.
need-signup = Bạn cần đăng ký xong trước.
not-allowed = Bạn không có quyền làm việc này.
text-too-long = Tin nhắn quá dài (tối đa { $max } ký tự).

forget-confirm = Xoá toàn bộ dữ liệu cá nhân của bạn? Việc này không thể hoàn tác. Các số liệu tổng hợp không nhận diện được bạn sẽ được giữ lại.
forget-yes-button = Xoá dữ liệu
cancel-button = Huỷ
forget-done = Đã xoá dữ liệu của bạn. Gửi /start nếu muốn đăng ký lại.
forget-cancelled = Đã huỷ, dữ liệu của bạn vẫn giữ nguyên.

mydata = Dữ liệu chúng tôi lưu về bạn:
    • Ngôn ngữ: { $language }
    • Xã/phường: { $unit }
    • Đồng ý xử lý dữ liệu: ngày { $consented } (văn bản phiên bản { $consent_version })
    • Nhận thông báo: { $subscribed ->
        [yes] có
       *[no] không
    }
    • Vai trò: { $roles }
    • Kênh liên lạc: { $channels }
    • Ngày đăng ký: { $created }
    • Thông báo đã nhận: { $notices }
    • Câu hỏi, góp ý đã gửi: { $questions }
    • Khảo sát: { $responses } câu trả lời có tên, { $consents } lần đồng ý trả lời câu hỏi nhạy cảm, { $unfinished } khảo sát đang trả lời dở (câu trả lời ẩn danh không gắn với bạn)
    • Góp ý dự thảo: { $opinions } ý kiến ({ $comments } có ghi lời), { $profiles } lần cho biết độ tuổi, nghề nghiệp
    • Hộ gia đình (mô hình 1+10): { $household }{ $accompanies ->
        [0] {""}
       *[other] ; bạn theo dõi { $accompanies } hộ
    }
    • Lịch sử giao hộ (1+10): { $assigned_to } lần giao hộ cho bạn theo dõi, { $assigned_by } lần do bạn giao
mydata-channel = { $channel ->
        [telegram] Telegram (mã chat { $address })
        [zalo_bot] Zalo (mã người dùng { $address })
        [zalo_oa] Zalo OA (mã người theo dõi { $address })
        [web] trò chuyện trên trang web (trình duyệt này)
        [shell] dòng lệnh ({ $address })
       *[other] { $channel } ({ $address })
    }
mydata-no-unit = chưa chọn
mydata-household = { $name } (đồng ý tham gia ngày { $joined })
mydata-no-household = chưa tham gia
mydata-no-roles = người dân
mydata-no-questions = chưa có
quoted = “{ $text }”
role-in-unit = { $role } — { $unit }
role-cadre = cán bộ
role-admin = quản trị viên

join-usage = Hãy gửi kèm mã mời, ví dụ: /join ABCD-EFGH
join-ok = Bạn đã nhận vai trò { $role } tại { $unit }.
join-unknown = Mã mời không đúng. Hãy kiểm tra lại.
join-expired = Mã mời đã hết hạn. Xin liên hệ người gửi mã.
join-used-up = Mã mời đã được dùng hết lượt.
invite-usage = Cách dùng: /invite cadre|admin [mã đơn vị]
invite-created = Mã mời { $role } tại { $unit }: { $code }
    Dùng một lần, hết hạn ngày { $expires }. Người nhận gửi: /join { $code }

link-code = Mã liên kết của bạn: { $code }
    Hãy mở kênh của chúng tôi trong ứng dụng chat kia (Zalo, Telegram…) và gửi mã này, trước { $until } (mã dùng được { $minutes } phút, một lần). Hai kênh sẽ dùng chung một lần đăng ký.
link-too-many = Bạn đã lấy { $max } mã liên kết trong một giờ qua. Xin thử lại sau.
link-how = Để dùng chung lần đăng ký ở ứng dụng chat khác: gửi /link ở kênh bạn đã đăng ký, rồi gửi mã nhận được vào đây.
link-usage = Mã liên kết gồm 9 chữ số, ví dụ: /link 480 213 795
link-wrong = Mã liên kết không đúng. Hãy kiểm tra lại, hoặc gửi /link ở kênh kia để lấy mã mới.
link-expired = Mã liên kết đã hết hạn hoặc đã được dùng. Gửi /link ở kênh kia để lấy mã mới.
link-same-chat = Mã này cần gửi từ ứng dụng chat kia, không phải ở đây.
link-already = Hai kênh này đã được liên kết rồi.
link-tries = Bạn đã gửi sai mã nhiều lần. Xin thử lại sau một giờ.
link-guessing = Hiện có nhiều mã liên kết sai được gửi tới, nên việc liên kết tạm dừng để giữ an toàn cho tài khoản. Xin thử lại sau 10 phút.
link-joined = Đã liên kết! Kênh này dùng chung lần đăng ký của bạn tại { $unit }: thông báo, khảo sát và /mydata là một cho cả hai kênh.
link-merged = Đã liên kết! Hai lần đăng ký của bạn nay là một. Giữ xã/phường { $unit } và ngôn ngữ { $language } của lần đăng ký mới hơn; vai trò, câu hỏi và câu trả lời khảo sát của cả hai được gộp lại.
missed-notices = Bạn có { $count } thông báo mới:

notice = 📢 { $title }
    { $body }
    { $details }
notice-directive = Văn bản: { $directive }
notice-issuer = Cơ quan ban hành: { $issuer }
notice-link = Xem thêm: { $link }
notice-read-button = ✅ Đã đọc
notice-ask-button = ❓ Hỏi / góp ý
notice-read-thanks = Cảm ơn bạn đã đọc thông báo.
notice-ask-prompt = Hãy gõ câu hỏi hoặc góp ý của bạn về thông báo này. Cán bộ phụ trách sẽ trả lời bạn.
notices-list = Thông báo gần đây (bấm để xem lại):
notices-none = Chưa có thông báo nào gửi tới bạn.
notice-item = { $title }

answer-prompt = Hãy gõ câu trả lời. Người hỏi sẽ nhận được ngay trong ứng dụng chat.
compose-required = Phần này không được để trống.
compose-title = Soạn thông báo mới (1/5). Tiêu đề là gì?
compose-body = (2/5) Nội dung thông báo? Có thể dùng **chữ đậm**, *chữ nghiêng*, [liên kết](https://…), và dòng bắt đầu bằng “- ” để liệt kê.
compose-directive = (3/5) Số, ngày của văn bản, ví dụ: Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành Trung ương. Không có thì bấm “Bỏ qua”.
compose-skip-button = Bỏ qua
compose-unit = (4/5) Gửi tới đâu? Chọn đơn vị, hoặc gõ tên xã/phường trong phạm vi bạn quản lý.
compose-unit-unknown = Không tìm thấy đơn vị “{ $query }”.
compose-unit-out-of-scope = { $unit } nằm ngoài phạm vi bạn quản lý.
compose-unit-required = Hãy chọn ít nhất một đơn vị nhận.
compose-send-at = (5/5) Gửi lúc nào? Bấm “Gửi ngay”, hoặc gõ ngày giờ, ví dụ: 15/12/2026 08:00. Không gửi trong khoảng 21:00–07:00.
compose-now-button = Gửi ngay
compose-send-at-invalid = Chưa hiểu thời gian này. Hãy gõ như: 15/12/2026 08:00
compose-preview = Xem trước — người dân sẽ nhận được như sau:
compose-when-now = ngay
compose-when-at = lúc { $time }
compose-confirm = Gửi tới { $unit } ({ $recipients } người đang nhận tin), { $when }?
compose-confirm-short = Gửi thông báo này?
compose-send-button = Gửi
compose-cancelled = Đã huỷ bản nháp.
compose-created = Đã lên lịch gửi thông báo số { $id } lúc { $time }. Xem tình hình gửi: /status { $id }
status-usage = Cách dùng: /status SỐ_THÔNG_BÁO
notice-status = Thông báo số { $id } ({ $state ->
        [draft] bản nháp
        [scheduled] chờ gửi
        [sending] đang gửi
        [held] chờ đến 7:00
        [sent] đã gửi xong
       *[cancelled] đã huỷ
    }):
    { $lines }
status-total = Tổng
status-line = { $unit }: gửi { $sent }/{ $targeted }, chờ { $pending }, lỗi { $failed }, chặn bot { $blocked }, đã đọc { $read }, hỏi { $questions }
status-others = { $units } đơn vị khác

log-usage = Ghi nhanh một hoạt động trong một tin nhắn: lĩnh vực | tên hoạt động | số người | ngày, ví dụ:
    { $example }
    Lĩnh vực: kt (kinh tế), vhxh (văn hóa – xã hội), qpan (quốc phòng – an ninh), htct (xây dựng hệ thống chính trị). Ngày: hôm nay, hôm qua, 12/4 hoặc 12/4/2025 (bỏ trống là hôm nay).
    Thêm nếu có: ghi chú: …, hưởng lợi: 120 người. Với /model: mô tả: …, chủ trì: Hội Nông dân.
log-saved = Đã ghi hoạt động “{ $title }” — { $sector }, ngày { $date }, { $participants } người, tại { $unit }. Xem, sửa, xoá: /mylogs
log-error-no-sector = Thiếu lĩnh vực (kt, vhxh, qpan hoặc htct). Ví dụ: { $example }
log-error-two-sectors = Chỉ ghi một lĩnh vực cho mỗi hoạt động. Ví dụ: { $example }
log-error-no-title = Thiếu tên hoạt động. Ví dụ: { $example }
log-error-two-titles = Không rõ đâu là tên hoạt động: “{ $a }” hay “{ $b }”? Ngăn các mục bằng dấu |, ví dụ: { $example }
log-error-title-too-long = Tên hoạt động quá dài (tối đa { $max } ký tự). Ví dụ: { $example }
log-error-date = Ngày “{ $text }” không đúng hoặc chưa tới. Gõ như: hôm nay, hôm qua, 12/4, 12/4/2025. Ví dụ: { $example }
log-error-participants = Số người “{ $text }” chưa rõ. Gõ như: 25 người. Ví dụ: { $example }
log-error-beneficiaries = Số người hưởng lợi “{ $text }” chưa rõ. Gõ như: hưởng lợi: 120 người. Ví dụ: { $example }
mylogs = Hoạt động bạn đã ghi gần đây (✏️ sửa, 🗑 xoá):
mylogs-none = Bạn chưa ghi hoạt động nào. Gửi /log để xem cách ghi.
mylogs-delete-button = 🗑
logedit-prompt = Gửi lại hoạt động đã sửa theo mẫu ghi nhanh, ví dụ: { $example }
log-edited = Đã sửa hoạt động (vẫn lưu bản cũ trong nhật ký thay đổi).
mylogs-edit-button = ✏️ { $title } ({ $date })
log-deleted = Đã xoá hoạt động (vẫn lưu vết ai xoá, khi nào).

report = Tính đến hết { $quarter }, { $scope } đã xây dựng và duy trì { $models } mô hình “Dân vận khéo”, trong đó: { $by_sector }.
    Mô hình: { $models_change }. Hoạt động trong quý: { $activities }, với { $participants } lượt người tham gia.{ $listening }{ $households }
    { $sector_changes }
    { $children }
report-no-models = Tính đến hết { $quarter }, { $scope } chưa có mô hình “Dân vận khéo” nào. { $activities ->
        [0] Trong quý chưa ghi nhận hoạt động nào.
       *[other] Hoạt động trong quý: { $activities }, với { $participants } lượt người tham gia.
    }{ $listening }{ $households }
    { $children }
report-listening = {" "}Tiếp nhận { $received } phản ánh, kiến nghị của người dân; đã trả lời { $answered } ({ $answered_share }%){ $answered ->
        [0] {""}
       *[other] , đúng hạn { $on_time }%
    }{ $overdue ->
        [0] {""}
       *[other] ; { $overdue } quá hạn
    }{ $rated ->
        [0] {""}
       *[other] ; { $satisfied }% người dân đánh giá hài lòng
    }.
report-households = {" "}Mô hình “Dân vận khéo 1+10”: { $cadres } cán bộ theo dõi { $households } hộ{ $over ->
        [0] {""}
       *[other] {" "}({ $over } cán bộ theo dõi hơn { $usual } hộ)
    }, { $accompanied } người dân đã tham gia; { $visits } lượt thăm hộ trong quý.
report-quarter = quý { $number ->
        [1] I
        [2] II
        [3] III
       *[4] IV
    }/{ $year }
report-sector-models = { $count } mô hình lĩnh vực { $sector }
report-change = { $now } ({ $direction ->
        [up] tăng { $delta }
        [down] giảm { $delta }
       *[same] không đổi
    } so với quý trước)
report-sector-changes = { $changed ->
        [0] Số mô hình ở mọi lĩnh vực không đổi so với quý trước.
       *[other] So với quý trước: { $changes }{ $unchanged ->
            [0] .
           *[other] ; các lĩnh vực khác không đổi.
        }
    }
report-sector-change = lĩnh vực { $sector } { $direction ->
        [up] tăng
       *[down] giảm
    } { $delta } mô hình
report-child = • { $unit }: { $models } mô hình, { $activities } hoạt động
report-children-rest = • { $units } đơn vị khác: { $models } mô hình, { $activities } hoạt động
report-scope-province = { $kind ->
        [city] toàn thành phố
       *[province] toàn tỉnh
    }
report-scope-unit = { $unit }
report-chart-sectors = Mô hình “Dân vận khéo” theo lĩnh vực, { $scope }, { $quarter }
report-chart-units = Mô hình “Dân vận khéo” theo đơn vị, { $scope }, { $quarter }{ $all ->
        [yes] {""}
       *[no] {" "}({ $shown } trong { $units } đơn vị có mô hình, nhiều nhất trước)
    }
report-chart-unit = { $unit }
report-usage = Cách dùng: /report [quý], ví dụ: /report 1/2025 (bỏ trống là quý này).
log-model-saved = Đã đăng ký mô hình “{ $title }” — { $sector }, từ ngày { $date }, tại { $unit }.

logflow-sector = Ghi hoạt động (1/7). Thuộc lĩnh vực nào?
    (Quen rồi thì ghi nhanh trong một tin, ví dụ: /log kt | Mô hình nuôi ong | 25 người | 12/4)
sector-name = { $name }
logflow-sector-unknown = Không có lĩnh vực “{ $text }”. Hãy chọn một nút.
logflow-model = (2/7) Hoạt động thuộc mô hình nào của đơn vị?
logflow-model-button = { $name }
logflow-new-model-button = Đăng ký mô hình mới
logflow-no-model-button = Không thuộc mô hình nào
logflow-model-name = (3/7) Tên mô hình mới?
logflow-model-gone = Mô hình đã chọn không còn trong đơn vị của bạn; chưa lưu gì. Gõ /log để ghi lại.
logflow-model-summary = Kiểm tra lại trước khi đăng ký mô hình:
    • Mô hình: { $title }
    • Lĩnh vực: { $sector }
    • Bắt đầu từ ngày: { $date }
models = Mô hình của đơn vị:
    { $models }
    Bấm nút để đổi trạng thái.
models-item = • { $name } — { $status ->
        [active] đang hoạt động
        [maintained] đang duy trì
       *[stopped] đã dừng
    }
models-status-button = { $name }: { $status ->
        [active] hoạt động lại
        [maintained] duy trì
       *[stopped] dừng
    }
models-none = Đơn vị chưa có mô hình nào. Đăng ký: /model kt | Tên mô hình | 12/4
model-status-changed = Đã đổi trạng thái mô hình (thay đổi được lưu lại).
logflow-title = (3/7) Tên hoạt động?
logflow-date = (4/7) Ngày nào? Bấm nút, hoặc gõ ngày như 12/4 hay 12/4/2025.
logflow-today-button = Hôm nay
logflow-yesterday-button = Hôm qua
logflow-date-invalid = Ngày “{ $text }” không đúng hoặc chưa tới.
logflow-participants = (5/7) Bao nhiêu người tham gia? Gõ số, ví dụ: 25
logflow-participants-invalid = Chưa rõ số người “{ $text }”. Gõ số, ví dụ: 25
logflow-photos = (6/7) Gửi ảnh hoạt động (chụp hoặc chọn nhiều ảnh), hoặc bấm “Bỏ qua”.
logflow-photos-more = Đã nhận { $count } ảnh. Gửi thêm, hoặc bấm “Xong”.
logflow-done-button = Xong
logflow-location = (7/7) Gửi vị trí nơi diễn ra hoạt động, hoặc bấm “Bỏ qua”.
logflow-summary = Kiểm tra lại trước khi lưu:
    • Hoạt động: { $title }
    • Mô hình: { $model }
    • Lĩnh vực: { $sector }
    • Ngày: { $date }
    • Số người: { $participants }
    • Ảnh: { $photos }
    • Vị trí: { $located ->
        [yes] có
       *[no] không
    }
logflow-save-button = Lưu
logflow-cancelled = Đã huỷ, không lưu gì.

shell-intro = danvan shell — trò chuyện với bot ngay trong terminal. Gửi /start để bắt đầu; gõ số để bấm nút; Ctrl-D để thoát.
shell-location = Gửi vị trí: gõ @vĩ độ,kinh độ, ví dụ @20.6464,106.0511

## Residents' questions, reports and suggestions (tickets)
menu-write = ✍️ Gửi ý kiến cho xã
menu-tickets = 📋 Phản ánh của tôi
thanks-reply = Không có gì ạ! Bạn cần gì cứ nhắn cho chúng tôi.
ticket-ask-text = Hãy gõ điều bạn muốn gửi cho xã/phường: câu hỏi, phản ánh việc ở địa phương hay kiến nghị. Bạn có thể gửi kèm ảnh và vị trí.
ticket-ask-kind = Bạn muốn gửi cho xã/phường:
    “{ $text }”
    Đây là:
ticket-kind-question = ❓ Câu hỏi
ticket-kind-report = ⚠️ Phản ánh
ticket-kind-suggestion = 💡 Kiến nghị
ticket-ask-category = Phản ánh về việc gì?
ticket-category = { $name }
ticket-confirm = Kiểm tra lại trước khi gửi:
    • Loại: { $kind }{ $category }
    • Nội dung: { $text }
    • Ảnh: { $photos }
    • Vị trí: { $located ->
        [yes] có
       *[no] không
    }
    Bạn có thể gửi thêm ảnh (tối đa 5), vị trí, hoặc gõ thêm nội dung trước khi bấm Gửi.
ticket-send-button = Gửi
ticket-send-anonymous-button = Gửi, không hiện tên
ticket-skip-button = Bỏ qua
ticket-cancelled = Đã huỷ, không gửi gì.
ticket-photos-full = Mỗi phản ánh kèm tối đa { $max } ảnh.
ticket-created = ✅ Đã gửi tới { $unit }, mã { $code }. Xã/phường sẽ trả lời bạn trước { $due }. Gửi /phananh để theo dõi.
ticket-code-unknown = “{ $code }” không phải là mã phản ánh (ví dụ: PA-0123).
ticket-item = { $code } · { $status } · { $text }
tickets-none = Bạn chưa gửi phản ánh, kiến nghị nào. Cứ gõ điều bạn muốn gửi cho xã/phường.
tickets-mine = Phản ánh, kiến nghị của bạn (bấm để xem):
tickets-open = Phản ánh, kiến nghị chờ xử lý: { $count } (quá hạn: { $overdue }).
ticket-status-received = Đã nhận
ticket-status-accepted = Đang xử lý
ticket-status-needs_info = Cần bổ sung
ticket-status-answered = Đã trả lời
ticket-status-closed = Đã đóng
ticket-status-rejected = Không tiếp nhận
ticket-details = { $lines }
ticket-head = { $code } · { $kind } · { $status }
ticket-unit-line = Nơi xử lý: { $unit }
ticket-text-line = Nội dung: { $text }
ticket-due-line = Hạn trả lời: { $due }
ticket-answer-line = Trả lời: { $answer }
ticket-category-suffix = {" "}({ $name })
ticket-notice-suffix = {" "}về thông báo “{ $title }”
ticket-overdue-line = ⏰ QUÁ HẠN
    { $ticket }
ticket-info-button = Bổ sung thông tin
ticket-good-button = 👍 Hài lòng
ticket-bad-button = 👎 Chưa hài lòng
ticket-reopen-button = Chưa được giải quyết, mở lại
ticket-open-button = Xem và xử lý
ticket-move-accept = Tiếp nhận
ticket-move-ask_more = Yêu cầu bổ sung
ticket-move-answer = Trả lời
ticket-move-transfer = Chuyển đơn vị khác
ticket-move-reject = Không tiếp nhận
ticket-move-close = Đóng
ticket-move-reopen = Mở lại
ticket-ask-info = Hãy gõ thông tin bổ sung.
ticket-ask-comment = Bạn có muốn nói thêm điều gì về câu trả lời? (không bắt buộc)
ticket-ask-reopen = Vì sao việc này chưa được giải quyết? Xã/phường sẽ xem xét lại.
ticket-ask-what-missing = Cần người dân bổ sung thông tin gì?
ticket-ask-reject-reason = Vì sao không tiếp nhận? Người dân sẽ nhận được lý do này.
ticket-note-cancelled = Đã huỷ.
ticket-rated = Cảm ơn bạn đã đánh giá! Bạn có muốn nói thêm điều gì không? (không bắt buộc)
ticket-rating-thanks = Cảm ơn bạn!
ticket-info-added = Đã bổ sung vào { $code }. Cảm ơn bạn!
ticket-reopened = Đã mở lại { $code }. Xã/phường sẽ trả lời bạn.
ticket-moved = { $code }: đã { $move }.
ticket-announced = 📥 Phản ánh mới { $code } ({ $unit })
    { $kind }{ $category }{ $notice }
    “{ $text }”
    Cần tiếp nhận trước { $due }.
ticket-info-for-staff = ➕ Người dân bổ sung cho { $code }: “{ $text }”
ticket-reopened-for-staff = 🔁 Người dân mở lại { $code }: “{ $text }”
ticket-update-accept = { $code }: { $unit } đã tiếp nhận và sẽ trả lời bạn trước { $due }.
ticket-update-ask_more = { $code }: { $unit } cần bạn bổ sung: “{ $text }”
ticket-update-answer = 💬 { $code }: { $unit } trả lời bạn:
    “{ $text }”
    Bạn có hài lòng với câu trả lời?
ticket-update-transfer = { $code } đã được chuyển tới { $unit }: “{ $text }”
ticket-update-reject = { $code }: { $unit } không tiếp nhận, vì: “{ $text }”
ticket-update-close = { $code } đã đóng.
ticket-update-reopen = { $code } đã được mở lại: “{ $text }”
ticket-too-many = Hôm nay bạn đã gửi nhiều phản ánh đang chờ xử lý. Xin chờ xã/phường trả lời rồi gửi tiếp; nội dung bạn vừa viết vẫn được giữ.
ticket-no-unit = Hãy chọn xã/phường của bạn trước (/unit) để biết gửi tới đâu.
ticket-outside-province = Vị trí bạn gửi nằm ngoài tỉnh của bạn. Hãy gửi lại vị trí, hoặc bấm Gửi để gửi không kèm vị trí.
ticket-not-found = Không tìm thấy phản ánh này (hoặc nó không thuộc phạm vi của bạn).
ticket-not-now = Phản ánh này không còn ở bước đó nữa.
ticket-needs-text = Cần ghi nội dung cho việc này.
ticket-too-long = Nội dung quá dài (tối đa 2.000 ký tự).
ticket-bad-unit = Không chuyển được tới đơn vị này (cần một đơn vị khác trong cùng tỉnh).
unit-list-csv = { $line ->
        [0] tệp không phải danh sách CSV.
       *[other] dòng { $line } không đọc được như CSV.
    }
unit-list-missing-column = danh sách thiếu cột “{ $column }”.
unit-list-empty-field = dòng { $line }: mã và tên không được để trống.
unit-list-duplicate-code = mã { $code } xuất hiện hai lần.
unit-list-unknown-parent = đơn vị { $code } ghi đơn vị cấp trên { $parent }, không có trong danh sách.
