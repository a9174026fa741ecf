package portal

// The vocabularies the generator composes pages from. Russian and Belarusian
// strings use only characters that windows-1251 can encode (including
// U+00A0, U+00AD, U+2013, U+00AB and U+00BB), so any ru or be page can be
// served in that legacy charset.

// langs are the language versions of the portal, in id order.
var langs = [...]string{"en", "ru", "be"}

// langIndex returns the position of lang in langs, or -1.
func langIndex(lang string) int {
	for i, l := range langs {
		if l == lang {
			return i
		}
	}
	return -1
}

// section is one sub-section of the portal, such as government/events.
type section struct {
	Section string    // URL segment of the section
	Sub     string    // URL segment of the sub-section
	Name    [3]string // section title per language
	SubName [3]string // sub-section title per language
	Photo   bool      // photo reports
}

// sections are the sub-sections articles are published in. Index 4 is the
// photo-report section and index 3 the rate-limited (Kremlin-style) area.
var sections = [...]section{
	{"government", "events", [3]string{"Government", "Правительство", "Урад"}, [3]string{"Events", "События", "Падзеі"}, false},
	{"press-center", "news", [3]string{"Press Center", "Пресс-центр", "Прэс-цэнтр"}, [3]string{"News", "Новости", "Навіны"}, false},
	{"press-center", "press-release", [3]string{"Press Center", "Пресс-центр", "Прэс-цэнтр"}, [3]string{"Press Releases", "Пресс-релизы", "Прэс-рэлізы"}, false},
	{"press-center", "speeches-and-interviews", [3]string{"Press Center", "Пресс-центр", "Прэс-цэнтр"}, [3]string{"Speeches and Interviews", "Выступления и интервью", "Выступленні і інтэрв'ю"}, false},
	{"press-center", "photo", [3]string{"Press Center", "Пресс-центр", "Прэс-цэнтр"}, [3]string{"Photo Reports", "Фоторепортажи", "Фотарэпартажы"}, true},
}

const (
	secEvents   = 0
	secNews     = 1
	secRelease  = 2
	secSpeeches = 3
	secPhoto    = 4
)

// siteTitle is the portal's name per language.
var siteTitle = [3]string{
	"Republic of Belarus — Official Website",
	"Республика Беларусь — официальный сайт",
	"Рэспубліка Беларусь — афіцыйны сайт",
}

// ui holds the fixed interface strings per language.
type uiStrings struct {
	Home, Archive, NoNews, NotFound, NotFoundText, Gone, GoneText, Print, Prev, Next, More, Search,
	Related, Source, WrittenBy, Photos, Today, Visitors, TopNews, AllNews, Languages, Correction,
	Updated, EarlierNews, Sitemap, RSS, Staff, Tourism, Calendar, Contacts string
	Weekdays [7]string
}

var ui = [3]uiStrings{
	{
		Home: "Home", Archive: "Archive", NoNews: "There is no news for this day.", NotFound: "Page not found",
		NotFoundText: "The page you requested does not exist or has been moved.", Gone: "Page removed",
		GoneText: "This material has been removed from the portal.", Print: "Print version", Prev: "Previous",
		Next: "Next", More: "More news", Search: "Search", Related: "Related news", Source: "Source",
		WrittenBy: "Written by", Photos: "Photo report", Today: "Today", Visitors: "Visitors today",
		TopNews: "Top news", AllNews: "All news", Languages: "Language", Correction: "Correction",
		Updated: "Updated", EarlierNews: "Earlier news", Sitemap: "Site map", RSS: "RSS", Staff: "Staff area",
		Tourism: "Belarus' Top Tourist Sites", Calendar: "Belarus Events Calendar", Contacts: "Contacts",
		Weekdays: [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"},
	},
	{
		Home: "Главная", Archive: "Архив", NoNews: "Новостей за этот день нет.", NotFound: "Страница не найдена",
		NotFoundText: "Запрошенная страница не существует или была перемещена.", Gone: "Материал удален",
		GoneText: "Этот материал удален с портала.", Print: "Версия для печати", Prev: "Предыдущая",
		Next: "Следующая", More: "Больше новостей", Search: "Поиск", Related: "Читайте также", Source: "Источник",
		WrittenBy: "Автор", Photos: "Фоторепортаж", Today: "Сегодня", Visitors: "Посетителей сегодня",
		TopNews: "Главные новости", AllNews: "Все новости", Languages: "Язык", Correction: "Исправление",
		Updated: "Обновлено", EarlierNews: "Более ранние новости", Sitemap: "Карта сайта", RSS: "RSS", Staff: "Служебный раздел",
		Tourism: "Главные туристические объекты Беларуси", Calendar: "Календарь событий", Contacts: "Контакты",
		Weekdays: [7]string{"Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"},
	},
	{
		Home: "Галоўная", Archive: "Архіў", NoNews: "Навін за гэты дзень няма.", NotFound: "Старонка не знойдзена",
		NotFoundText: "Запытаная старонка не існуе або была перанесена.", Gone: "Матэрыял выдалены",
		GoneText: "Гэты матэрыял выдалены з партала.", Print: "Версія для друку", Prev: "Папярэдняя",
		Next: "Наступная", More: "Больш навін", Search: "Пошук", Related: "Чытайце таксама", Source: "Крыніца",
		WrittenBy: "Аўтар", Photos: "Фотарэпартаж", Today: "Сёння", Visitors: "Наведвальнікаў сёння",
		TopNews: "Галоўныя навіны", AllNews: "Усе навіны", Languages: "Мова", Correction: "Выпраўленне",
		Updated: "Абноўлена", EarlierNews: "Больш раннія навіны", Sitemap: "Карта сайта", RSS: "RSS", Staff: "Службовы раздзел",
		Tourism: "Галоўныя турыстычныя аб'екты Беларусі", Calendar: "Каляндар падзей", Contacts: "Кантакты",
		Weekdays: [7]string{"Пн", "Аў", "Ср", "Чц", "Пт", "Сб", "Нд"},
	},
}

// Month names: English full and abbreviated, Russian and Belarusian in the
// genitive (as in "3 апреля") and in the nominative (calendar headings).
var (
	monthEN      = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthENShort = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	monthRUGen   = [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	monthRUNom   = [12]string{"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"}
	monthBEGen   = [12]string{"студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня", "жніўня", "верасня", "кастрычніка", "лістапада", "снежня"}
	monthBENom   = [12]string{"Студзень", "Люты", "Сакавік", "Красавік", "Май", "Чэрвень", "Ліпень", "Жнівень", "Верасень", "Кастрычнік", "Лістапад", "Снежань"}
)

// country is a partner country in the three languages; Gen is the genitive.
type country struct{ EN, RUNom, RUGen, BENom, BEGen string }

var countries = [...]country{
	{"China", "Китай", "Китая", "Кітай", "Кітая"},
	{"Russia", "Россия", "России", "Расія", "Расіі"},
	{"Kazakhstan", "Казахстан", "Казахстана", "Казахстан", "Казахстана"},
	{"Uzbekistan", "Узбекистан", "Узбекистана", "Узбекістан", "Узбекістана"},
	{"Vietnam", "Вьетнам", "Вьетнама", "В'етнам", "В'етнама"},
	{"India", "Индия", "Индии", "Індыя", "Індыі"},
	{"Egypt", "Египет", "Египта", "Егіпет", "Егіпта"},
	{"Venezuela", "Венесуэла", "Венесуэлы", "Венесуэла", "Венесуэлы"},
	{"Tajikistan", "Таджикистан", "Таджикистана", "Таджыкістан", "Таджыкістана"},
	{"Armenia", "Армения", "Армении", "Арменія", "Арменіі"},
}

// topics are what stories are about, per language (nominative, which is
// also the accusative for every Russian and Belarusian form used).
var topics = [...][3]string{
	{"trade and economic cooperation", "торгово-экономическое сотрудничество", "гандлёва-эканамічнае супрацоўніцтва"},
	{"industrial cooperation", "развитие промышленной кооперации", "развіццё прамысловай кааперацыі"},
	{"SCO membership", "членство в ШОС", "членства ў ШАС"},
	{"energy security", "вопросы энергетической безопасности", "пытанні энергетычнай бяспекі"},
	{"cooperation in education", "сотрудничество в сфере образования", "супрацоўніцтва ў сферы адукацыі"},
	{"agricultural exports", "экспорт сельхозпродукции", "экспарт сельгаспрадукцыі"},
	{"transport and logistics", "развитие транспортной логистики", "развіццё транспартнай лагістыкі"},
	{"digital transformation projects", "проекты цифровой трансформации", "праекты лічбавай трансфармацыі"},
	{"healthcare projects", "проекты в сфере здравоохранения", "праекты ў сферы аховы здароўя"},
	{"tourism development", "развитие туризма", "развіццё турызму"},
	{"regional security", "вопросы региональной безопасности", "пытанні рэгіянальнай бяспекі"},
	{"overcoming the consequences of the Chernobyl disaster", "преодоление последствий Чернобыльской катастрофы", "пераадоленне наступстваў Чарнобыльскай катастрофы"},
}

// headlineTemplates: %[1]s country (nominative), %[2]s country (genitive),
// %[3]s topic.
var headlineTemplates = [...][3]string{
	{"Belarus, %[1]s discuss %[3]s", "Беларусь и %[1]s обсудили %[3]s", "Беларусь і %[1]s абмеркавалі %[3]s"},
	{"Lukashenko holds meeting with delegation of %[1]s on %[3]s", "Лукашенко провел встречу с делегацией %[2]s: в центре внимания %[3]s", "Лукашэнка правёў сустрэчу з дэлегацыяй %[2]s: у цэнтры ўвагі %[3]s"},
	{"Expert comments on importance of %[3]s with %[1]s for Belarus", "Эксперт о значении темы «%[3]s» для Беларуси и %[2]s", "Эксперт пра значэнне тэмы «%[3]s» для Беларусі і %[2]s"},
	{"Belarusian government, %[1]s sign roadmap on %[3]s", "Правительство Беларуси и %[1]s подписали дорожную карту: %[3]s", "Урад Беларусі і %[1]s падпісалі дарожную карту: %[3]s"},
	{"Minsk and %[1]s agree to step up %[3]s", "Минск и %[1]s договорились активизировать %[3]s", "Мінск і %[1]s дамовіліся актывізаваць %[3]s"},
	{"Golovchenko, ambassador of %[1]s discuss %[3]s", "Головченко и посол %[2]s обсудили %[3]s", "Галоўчанка і пасол %[2]s абмеркавалі %[3]s"},
	{"Belarus–%[1]s forum on %[3]s opens in Minsk", "В Минске открылся форум Беларусь – %[1]s: %[3]s", "У Мінску адкрыўся форум Беларусь – %[1]s: %[3]s"},
	{"Belarus, %[1]s review progress in %[3]s", "Беларусь и %[1]s подвели итоги: %[3]s", "Беларусь і %[1]s падвялі вынікі: %[3]s"},
}

// qualifiers extend headlines beyond the template × country × topic space.
var qualifiers = [...][3]string{
	{" in Gomel", " в Гомеле", " у Гомелі"},
	{" in Brest", " в Бресте", " у Брэсце"},
	{" in Grodno", " в Гродно", " у Гродна"},
	{" in Vitebsk", " в Витебске", " у Віцебску"},
	{" in Mogilev", " в Могилеве", " у Магілёве"},
	{" in Minsk", " в Минске", " у Мінску"},
}

// bodySentences: %[1]s country (nominative), %[2]s country (genitive),
// %[3]s topic, %[4]d a number.
var bodySentences = [...][3]string{
	{"The parties discussed %[3]s and agreed to continue the dialogue at the level of expert groups.", "Стороны обсудили тему «%[3]s» и договорились продолжить диалог на уровне экспертных групп.", "Бакі абмеркавалі тэму «%[3]s» і дамовіліся працягнуць дыялог на ўзроўні экспертных груп."},
	{"According to the press service, special attention was paid to joint projects with %[1]s.", "Как сообщили в пресс-службе, особое внимание уделено совместным проектам с представителями %[2]s.", "Як паведамілі ў прэс-службе, асаблівая ўвага была нададзена сумесным праектам з прадстаўнікамі %[2]s."},
	{"“We see good prospects here, and we are ready to move forward,” the official said.", "«Мы видим здесь хорошие перспективы и готовы двигаться дальше», – отметил официальный представитель.", "«Мы бачым тут добрыя перспектывы і гатовы рухацца далей», – адзначыў афіцыйны прадстаўнік."},
	{"The meeting was attended by representatives of ministries, regional executive committees and business associations.", "Во встрече приняли участие представители министерств, облисполкомов и деловых объединений.", "У сустрэчы ўзялі ўдзел прадстаўнікі міністэрстваў, аблвыканкамаў і дзелавых аб'яднанняў."},
	{"Trade between Belarus and %[1]s grew by %[4]d%% in the first quarter.", "Товарооборот Беларуси и %[2]s в первом квартале вырос на %[4]d%%.", "Тавараабарот Беларусі і %[2]s у першым квартале вырас на %[4]d%%."},
	{"The next round of consultations is scheduled for the autumn.", "Следующий раунд консультаций запланирован на осень.", "Наступны раўнд кансультацый запланаваны на восень."},
	{"A package of %[4]d documents was signed following the talks.", "По итогам переговоров подписан пакет из %[4]d документов.", "Па выніках перамоваў падпісаны пакет з %[4]d дакументаў."},
	{"The Belarusian side proposed to set up a joint working group on %[3]s.", "Белорусская сторона предложила создать совместную рабочую группу.", "Беларускі бок прапанаваў стварыць сумесную працоўную групу."},
	{"Experts note that the agreements reached open up new opportunities for regional enterprises.", "Эксперты отмечают, что достигнутые договоренности открывают новые возможности для региональных предприятий.", "Эксперты адзначаюць, што дасягнутыя дамоўленасці адкрываюць новыя магчымасці для рэгіянальных прадпрыемстваў."},
	{"The programme of the visit also includes meetings at the National Academy of Sciences.", "Программа визита также включает встречи в Национальной академии наук.", "Праграма візіту таксама ўключае сустрэчы ў Нацыянальнай акадэміі навук."},
}

// editedSentences replace a body sentence when an article is silently edited.
var editedSentences = [...][3]string{
	{"The parties also exchanged views on the international situation.", "Стороны также обменялись мнениями о международной ситуации.", "Бакі таксама абмяняліся меркаваннямі аб міжнароднай сітуацыі."},
	{"The talks were held in a constructive and friendly atmosphere.", "Переговоры прошли в конструктивной и дружественной атмосфере.", "Перамовы прайшлі ў канструктыўнай і сяброўскай атмасферы."},
	{"Further details will be announced by the Foreign Ministry.", "Подробности сообщит Министерство иностранных дел.", "Падрабязнасці паведаміць Міністэрства замежных спраў."},
}

// persons are staff writers (bylines are persons only).
var persons = [...][3]string{
	{"Anna Kovalenko", "Анна Коваленко", "Ганна Каваленка"},
	{"Sergei Petrov", "Сергей Петров", "Сяргей Пятроў"},
	{"Olga Ivanova", "Ольга Иванова", "Вольга Іванова"},
	{"Dmitry Sokolov", "Дмитрий Соколов", "Дзмітрый Сакалоў"},
	{"Yelena Moroz", "Елена Мороз", "Алена Мароз"},
	{"Pavel Kuzmich", "Павел Кузьмич", "Павел Кузьміч"},
}

// photographers are the names photo credits give.
var photographers = [...][3]string{
	{"sectsco.org", "sectsco.org", "sectsco.org"},
	{"Oksana Manchuk", "Оксана Манчук", "Аксана Манчук"},
	{"Maxim Guchek", "Максим Гучек", "Максім Гучак"},
	{"pravo.by", "pravo.by", "pravo.by"},
	{"Press service of the President", "Пресс-служба Президента", "Прэс-служба Прэзідэнта"},
}

// agency is the wire agency of datelines and source lines.
var agency = [3]string{"BelTA", "БЕЛТА", "БЕЛТА"}

// cities are dateline places; the last three are abroad.
var cities = [...][3]string{
	{"MINSK", "МИНСК", "МІНСК"},
	{"GOMEL", "ГОМЕЛЬ", "ГОМЕЛЬ"},
	{"BREST", "БРЕСТ", "БРЭСТ"},
	{"GRODNO", "ГРОДНО", "ГРОДНА"},
	{"VITEBSK", "ВИТЕБСК", "ВІЦЕБСК"},
	{"DUSHANBE", "ДУШАНБЕ", "ДУШАНБЭ"},
	{"BEIJING", "ПЕКИН", "ПЕКІН"},
	{"ASTANA", "АСТАНА", "АСТАНА"},
}

const firstForeignCity = 5

// promos rotate on every request (a volatile part of each page).
var promos = [...][3]string{
	{"Visit the Belarusian pavilion at the international exhibition", "Посетите белорусский павильон на международной выставке", "Наведайце беларускі павільён на міжнароднай выставе"},
	{"Sanatoria of Belarus: treatment and rest", "Санатории Беларуси: лечение и отдых", "Санаторыі Беларусі: лячэнне і адпачынак"},
	{"Souvenirs from Belarus: linen, straw and ceramics", "Сувениры из Беларуси: лен, соломка и керамика", "Сувеніры з Беларусі: лён, саломка і кераміка"},
	{"UNESCO World Heritage Sites in Belarus", "Объекты Всемирного наследия ЮНЕСКО в Беларуси", "Аб'екты Сусветнай спадчыны ЮНЕСКА ў Беларусі"},
}

// translit maps Cyrillic letters to Latin for slugs of ru and be articles.
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ў': "u",
}
