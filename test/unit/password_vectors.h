/*
 * password_vectors.h — hashes made by the real libraries (generated: do not edit)
 *
 * Made by test/unit/password_vectors.py with Django 3.2.25, Werkzeug 2.2.2, passlib 1.7.4,
 * argon2-cffi 21.1.0 (Debian 12's python3 packages):
 *     /usr/bin/python3 test/unit/password_vectors.py > test/unit/password_vectors.h
 */
static const struct password_vector
{
	const char *name;
	const char *made_by;
	const char *hash;
	const char *password;
}			password_vectors[] = {
	{"django_pbkdf2_sha256", "django",
		"pbkdf2_sha256$1000$pqAPFoXtB0eB2VBNOqOtaK$epbKPWTzqnzm/avo/qrU6fgqGh6ziZNQlJFcGn7e8dI=",
	"correct horse battery staple"},
	{"django_pbkdf2_sha256_unicode", "django",
		"pbkdf2_sha256$1000$d4STx9bw4OUPqZySkGi7we$3s3wG9bSFTENhb/SZbAmJ4M5fHnv0tORdDPKXPObmkA=",
	"p\303\244ssw\303\266rd-\320\272\320\273\321\216\321\207-\345\257\206\347\240\201"},
	{"django_pbkdf2_sha1", "django",
		"pbkdf2_sha1$1000$K4SCHRnatzHnzTcfW9YN0V$4pCmA/KSb3ksbON1v43pKTV3sWQ=",
	"correct horse battery staple"},
	{"django_argon2", "django",
		"argon2$argon2id$v=19$m=64,t=1,p=2$NG9KaU04T2dOeHg5SGxUYUtkR1BuQw$a2qqeR/52x0WWOgzhg120w",
	"correct horse battery staple"},
	{"django_bcrypt_sha256", "django",
		"bcrypt_sha256$$2b$04$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC",
	"correct horse battery staple"},
	{"django_bcrypt", "django",
		"bcrypt$$2b$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy",
	"correct horse battery staple"},
	{"werkzeug_pbkdf2_sha256", "werkzeug",
		"pbkdf2:sha256:1000$m3pRtvbfhq0OFc0y$42fa0f1262838dfe15f0d3d164975f3681edea0df54e7f9beaaef411d3eaa77a",
	"correct horse battery staple"},
	{"werkzeug_pbkdf2_sha512", "werkzeug",
		"pbkdf2:sha512:1000$murjmvbJ08P76FQ1$0434b37f94c2ee1b61909d4ffa466d6a34bd94e4422f8f0657e808640c7bd37f1881911f5a41b999af0caa2a3aa1e3f3684651d3ca9d83e9faaac9775de81287",
	"correct horse battery staple"},
	{"werkzeug_scrypt", "hashlib.scrypt in Werkzeug's form",
		"scrypt:1024:8:1$dIE4IWfkHcxX9nOk$97befeded5173160def4ba2ff8745e0c924e2d1f73f9493013930a30d0d6187e4cb4ca2a7755249558fd532e73f9ddd8edd61ae4f05c9b2387596ff77adaae94",
	"correct horse battery staple"},
	{"werkzeug_scrypt_unicode", "hashlib.scrypt in Werkzeug's form",
		"scrypt:16:2:2$nZC3CdwqWOJPGOcr$080f1c7efca4faf15d7b442acd5fddd6b18f629d625f2845cbe67e56e8e3e491c829299144c118d0264d732ade96ad4d2a40275ea3a52d75f9d7de1dd8ed3b98",
	"p\303\244ssw\303\266rd-\320\272\320\273\321\216\321\207-\345\257\206\347\240\201"},
	{"passlib_pbkdf2_sha256", "passlib",
		"$pbkdf2-sha256$1000$kvKec45RihGCkPJ.DwEAAA$0JdmOqGbnwlJSustiGjSEyHeQXB/3DuQgOoZhJJ9LQs",
	"correct horse battery staple"},
	{"passlib_pbkdf2_sha512", "passlib",
		"$pbkdf2-sha512$1000$uhcCoJRS6j2HUIoxppRyDg$fiepke3NX6YBuuXy8bAp2huc3ECBbnXQIvB.P8kQKae1HZsUZhG1pMvEN032SVv57nIzzjZmv5Y8CBWV/7EU0A",
	"correct horse battery staple"},
	{"passlib_pbkdf2_sha1", "passlib",
		"$pbkdf2$1000$ay0lhFBKKYVQyvlfi3FuzQ$QVUNJ6DL2/5h9WiExTyJXY/nflA",
	"correct horse battery staple"},
	{"passlib_sha256_crypt", "passlib",
		"$5$rounds=1000$/OsfI7cL3yqcwbcq$bbIrZfuLhI/zBFm886vrqldLiy50kB3JgajFvQM5Hu7",
	"correct horse battery staple"},
	{"passlib_sha256_crypt_implicit_rounds", "passlib",
		"$5$g8xGchxUZK3.fxjg$oEJQZCXUW6Xbpl5yYgc6mpBNhZiJ5AwpoQ/2OSiyhG6",
	"correct horse battery staple"},
	{"passlib_sha512_crypt", "passlib",
		"$6$rounds=1000$CD.C80tdDyzEcLx/$pO0O..wwtBkTnoFVFDFuizvHtbLhmy1LfS9wXQxxpjDG.Dt.Vn2RPNJXqJrjwUpTdhGPU0gQl1Gkib2tzDqnf1",
	"p\303\244ssw\303\266rd-\320\272\320\273\321\216\321\207-\345\257\206\347\240\201"},
	{"passlib_argon2id", "passlib",
		"$argon2id$v=19$m=64,t=1,p=2$8X4PYUxpDQEAwJjzPkdobQ$CfMuCd2I9zld+mLwO05uDA",
	"correct horse battery staple"},
	{"passlib_argon2i", "passlib",
		"$argon2i$v=19$m=32,t=2,p=1$0LpXak2JUUrJ2dub03pvLQ$gMrY/eUzmWYmERVbx3d6ug",
	"correct horse battery staple"},
	{"argon2_cffi", "argon2-cffi",
		"$argon2id$v=19$m=64,t=1,p=4$9E0YgF+qY9UUKr69ysH/FA$WWDTH1MVayLrxnanFe+8QQ",
	"correct horse battery staple"},
	{"argon2_cffi_v16", "argon2-cffi",
		"$argon2id$v=16$m=32,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$I+erWyAzoP5yD6yN/1emdRvGjPGejysjzfVSJFH1Chc",
	"correct horse battery staple"},
	{"passlib_bcrypt_2b", "passlib",
		"$2b$04$7EP7.q.TjVwZZouEWrp43uRfT8ERTxs8O/Gah3zPcwCJZVQ9V5Yne",
	"correct horse battery staple"},
	{"passlib_bcrypt_2y", "passlib",
		"$2y$04$/zGyw8sLCwwHCTi2EwKEmuOemR1VQOdltsAd18.VDu0Rk0aePwIvW",
	"correct horse battery staple"},
};
#define PASSWORD_VECTOR_PASSWORD "correct horse battery staple"
#define PASSWORD_VECTOR_SHA256_HEX "c4bbcb1fbec99d65bf59d85c8cb62ee2db963f0fe106f483d9afa73bd4e39a8a"
